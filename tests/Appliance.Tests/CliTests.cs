using Ristbond.Appliance.Cli;

namespace Ristbond.Appliance.Tests;

/// <summary>Command-line mistakes: one line, "ristbond: …", naming the option, exit code 2.</summary>
public sealed class CliTests
{
    static (int Code, string[] Lines) Run(params string[] args)
    {
        var error = new StringWriter();
        int code = RistbondCli.Run(args, error);
        return (code, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(new[] { "send", "-o", "rist://h:1" }, "--input")]
    [InlineData(new[] { "send", "-i", "testsrc" }, "--output")]
    [InlineData(new[] { "send", "-i", "testsrc", "-o", "rist://h:1", "--frobnicate" }, "--frobnicate")]
    [InlineData(new[] { "send", "-i", "testsrc", "-o", "rist://h:1", "--bitrate", "fast" }, "--bitrate 'fast'")]
    [InlineData(new[] { "send", "-i", "testsrc", "-o", "rist://h:1", "--connect-timeout", "soon" }, "--connect-timeout 'soon'")]
    [InlineData(new[] { "transmit" }, "transmit")]
    public void Usage_errors_are_one_line_naming_the_culprit(string[] args, string culprit)
    {
        var (code, lines) = Run(args);
        Assert.Equal(2, code);
        string line = Assert.Single(lines);
        Assert.StartsWith("ristbond: ", line, StringComparison.Ordinal);
        Assert.Contains(culprit, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bitrate_limit_given_alone_is_checked_against_the_other_s_default()
    {
        var (code, lines) = Run("send", "-i", "testsrc", "-o", "rist://h:1", "--min-bitrate", "30M");
        Assert.Equal(2, code);
        Assert.StartsWith("ristbond: --min-bitrate 30000000 is above --max-bitrate 20000000", Assert.Single(lines), StringComparison.Ordinal);
        // Within the default maximum it passes the check (and fails later, on the URL, as it should).
        (code, lines) = Run("send", "-i", "testsrc", "-o", "rist://h:1?weight=x", "--min-bitrate", "200k");
        Assert.Equal(2, code);
        Assert.Contains("weight='x'", Assert.Single(lines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("auto")]
    [InlineData("x265")]
    public void Fwht_is_allowed_only_for_an_encoder_named_by_path(string? encoder)
    {
        string[] args = ["send", "-i", "pattern", "-o", "rist://h:1", "--allow-fwht"];
        var (code, lines) = Run(encoder is null ? args : [.. args, "--encoder", encoder]);
        Assert.Equal(2, code);
        Assert.StartsWith("ristbond: --allow-fwht needs --encoder /dev/videoN (auto never chooses FWHT)", Assert.Single(lines), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_url_fails_before_anything_is_sent()
    {
        var (code, lines) = Run("send", "-i", "testsrc", "-o", "rist://h:1?weight=x");
        Assert.Equal(2, code);
        Assert.Equal("ristbond: --output 'rist://h:1?weight=x': parameter weight='x' is not a whole number", Assert.Single(lines));
    }

    [Fact]
    public void A_board_profile_naming_a_missing_LED_fails_with_the_profile_role_and_LED()
    {
        string profile = Path.Combine(Path.GetTempPath(), $"ristbond-board-{Environment.ProcessId}.json");
        File.WriteAllText(profile, """{ "streaming": { "led": "ristbond-test:green:absent" } }""");
        try
        {
            var (code, lines) = Run("send", "-i", "testsrc", "-o", "rist://127.0.0.1:5000", "--board-profile", profile);
            Assert.Equal(2, code);
            Assert.Equal($"ristbond: board profile {profile}: streaming: no LED 'ristbond-test:green:absent' in /sys/class/leds", Assert.Single(lines));
        }
        finally
        {
            File.Delete(profile);
        }
    }

    [Fact]
    public void A_missing_board_profile_is_named()
    {
        var (code, lines) = Run("send", "-i", "testsrc", "-o", "rist://127.0.0.1:5000", "--board-profile", "/nonexistent/board.json");
        Assert.Equal(2, code);
        Assert.StartsWith("ristbond: board profile /nonexistent/board.json: cannot be read: ", Assert.Single(lines), StringComparison.Ordinal);
    }
}
