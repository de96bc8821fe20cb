using System.Net;
using Ristbond.Platform;

namespace Ristbond.Web.Tests;

public sealed class StatusAccessTests
{
    readonly StatusAccess _access = new("right-token-123");
    static readonly IPAddress s_phone = IPAddress.Parse("192.0.2.50");

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.5")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void This_machine_needs_no_token(string address) =>
        Assert.Equal(AccessVerdict.Local, _access.Check(IPAddress.Parse(address), null, null));

    [Fact]
    public void Another_machine_needs_the_token_as_bearer_or_cookie()
    {
        Assert.Equal(AccessVerdict.NoToken, _access.Check(s_phone, null, null));
        Assert.Equal(AccessVerdict.NoToken, _access.Check(s_phone, "Basic dXNlcjpwYXNz", ""));
        Assert.Equal(AccessVerdict.Token, _access.Check(s_phone, "Bearer right-token-123", null));
        Assert.Equal(AccessVerdict.Token, _access.Check(s_phone, "bearer  right-token-123 ", null));
        Assert.Equal(AccessVerdict.Token, _access.Check(s_phone, null, "right-token-123"));
        Assert.Equal(AccessVerdict.WrongToken, _access.Check(s_phone, "Bearer right-token-12", null));
        Assert.Equal(AccessVerdict.WrongToken, _access.Check(s_phone, null, "right-token-1234"));
        // A right cookie does not excuse a wrong header: the header is what the client meant.
        Assert.Equal(AccessVerdict.WrongToken, _access.Check(s_phone, "Bearer nope-nope-nope", "right-token-123"));
    }

    [Fact]
    public void Without_a_token_configured_nothing_from_elsewhere_matches() =>
        Assert.Equal(AccessVerdict.WrongToken, new StatusAccess(null).Check(s_phone, "Bearer anything-at-all", null));
}

public sealed class StatusListenOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("localhost:80", "127.0.0.1", 80)]
    [InlineData("[::1]:9000", "::1", 9000)]
    public void Loopback_addresses_need_no_token(string text, string address, int port)
    {
        StatusListenOptions options = StatusListenOptions.Create(text, null);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), options.Endpoint);
        Assert.Null(options.Token);
    }

    [Theory]
    [InlineData("8080", "give ADDRESS:PORT")]
    [InlineData("127.0.0.1:", "give ADDRESS:PORT")]
    [InlineData("127.0.0.1:0", "port '0' is not 1-65535")]
    [InlineData("127.0.0.1:99999", "port '99999'")]
    [InlineData("::1:8080", "in brackets")]
    [InlineData("board:8080", "'board' is not an IP address")]
    [InlineData("0.0.0.0:8080", "--status-token-file is required")]
    [InlineData("[::]:8080", "--status-token-file is required")]
    public void Bad_addresses_are_named(string text, string why)
    {
        var e = Assert.Throws<RistbondException>(() => StatusListenOptions.Create(text, null));
        Assert.StartsWith("--status-listen", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Fact]
    public void A_public_address_takes_the_token_from_its_file_and_a_weak_token_is_refused()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "good-token-value\n");
            Assert.Equal("good-token-value", StatusListenOptions.Create("0.0.0.0:8080", file).Token);
            File.WriteAllText(file, "short");
            var e = Assert.Throws<RistbondException>(() => StatusListenOptions.Create("0.0.0.0:8080", file));
            Assert.Contains($"--status-token-file '{file}'", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("short", e.Message.Replace(file, "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
