using System.Text;
using Ristbond.Board.Profile;
using Ristbond.Platform;

namespace Ristbond.Board.Tests;

public sealed class BoardProfileTests
{
    const string Path = "/etc/ristbond/board.json";

    static BoardProfile Parse(string json) => BoardProfileLoader.Parse(Encoding.UTF8.GetBytes(json), Path);

    static string Error(string json) => Assert.Throws<RistbondException>(() => Parse(json)).Message;

    /// <summary>The profiles in board/ (copied next to the tests by the project file): they must parse and check, so they cannot rot.</summary>
    [Theory]
    [InlineData("qemu-x86_64", 2)]
    [InlineData("qrb5165-rb5", 2)]
    public void The_profiles_shipped_in_board_load(string board, int slots)
    {
        string file = System.IO.Path.Combine(AppContext.BaseDirectory, "profiles", board, "board-profile.json");
        BoardProfile profile = BoardProfileLoader.Load(file);
        Assert.Equal(slots, profile.Slots.Count);
        Assert.NotNull(profile.Streaming);
        Assert.All(profile.Slots, s => Assert.NotNull(s.PowerEnable));
    }

    [Fact]
    public void The_RB5_profile_uses_the_boards_own_LEDs_and_matches_modems_by_USB_port()
    {
        BoardProfile rb5 = BoardProfileLoader.Load(System.IO.Path.Combine(AppContext.BaseDirectory, "profiles", "qrb5165-rb5", "board-profile.json"));
        Assert.Equal("green:user4", rb5.Streaming!.Led);
        Assert.Equal(["yellow:wlan", "blue:bt"], rb5.Slots.Select(s => s.Led!.Led));
        Assert.All(rb5.Slots, s => Assert.NotNull(s.Modem.UsbPort));
        Assert.Equal(180, rb5.PowerCycle.AfterS);
    }

    [Fact]
    public void Defaults_apply_to_what_is_left_out()
    {
        BoardProfile profile = Parse("""{ "slots": [ { "name": "a", "modem": { "imei_last4": "3809" } } ] }""");
        Assert.Null(profile.Streaming);
        Assert.Equal(180, profile.PowerCycle.AfterS);
        Assert.Equal(5, profile.PowerCycle.OffS);
        Assert.Equal(10, profile.ErrorAfterNoLinkS);
    }

    [Fact]
    public void A_misspelt_key_is_an_error_with_its_line_and_path()
    {
        string error = Error("""
            {
              "streaming": { "led": "a" },
              "slots": [ { "name": "a", "modem": { "usb_prot": "2-1" } } ]
            }
            """);
        Assert.Equal($"board profile {Path}: line 3, $.slots[0].modem.usb_prot: The JSON property 'usb_prot' could not be mapped to any .NET member contained in type 'Ristbond.Board.Profile.ModemMatch'.", error);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_placed_on_its_own_line_and_a_syntax_error_where_it_is()
    {
        string error = Error("{\n  \"slots\": [\n    { \"name\": \"a\", \"modem\": { \"link\": \"x\" } },\n    { \"name\": \"b\",\n      \"modem\": { \"link\": 5 } }\n  ]\n}\n");
        Assert.StartsWith($"board profile {Path}: line 5, $.slots[1].modem.link: ", error);
        error = Error("{\n  \"streaming\": { \"led\": \"a\" \n  \"error\": {}\n}");
        Assert.StartsWith($"board profile {Path}: line 3, ", error);
    }

    [Fact]
    public void A_missing_required_key_is_named()
    {
        string error = Error("""{ "slots": [ { "name": "a", "modem": { "link": "x" }, "power_enable": { "chip": "gpiochip0" } } ] }""");
        Assert.StartsWith($"board profile {Path}: ", error);
        Assert.Contains("line", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "slots": [ { "name": "a", "modem": { "link": "x", "usb_port": "1-1" } } ] }""",
        "slot 'a' modem: give exactly one of \"usb_port\", \"imei_last4\", \"interface\", \"link\"")]
    [InlineData("""{ "slots": [ { "name": "a", "modem": { "imei_last4": "38O9" } } ] }""",
        "slot 'a' modem: imei_last4 \"38O9\" is not 4 digits")]
    [InlineData("""{ "slots": [ { "name": "a", "modem": { "link": "x" } }, { "name": "a", "modem": { "link": "y" } } ] }""",
        "slots[1]: a second slot named 'a'")]
    [InlineData("""{ "streaming": { "led": "a", "gpio": { "chip": "gpiochip0", "line": 1 } } }""",
        "streaming: give exactly one of \"led\" and \"gpio\"")]
    [InlineData("""{ "streaming": { "led": "../../etc" } }""",
        "streaming: \"../../etc\" is not an LED class device name")]
    [InlineData("""{ "streaming": { "led": "a" }, "error": { "led": "a" } }""",
        "error: LED a is already used by streaming")]
    [InlineData("""{ "error": { "gpio": { "chip": "gpiochip0", "line": 3 } }, "slots": [ { "name": "m", "modem": { "link": "x" }, "power_enable": { "chip": "gpiochip0", "line": 3 } } ] }""",
        "slot 'm' power_enable: line 3 of gpiochip0 is already used by error")]
    [InlineData("""{ "power_cycle": { "after_s": 60, "max_after_s": 30 } }""",
        "power_cycle: after_s and off_s must be above 0 and max_after_s at least after_s")]
    [InlineData("""{ "error_after_no_link_s": 0 }""",
        "error_after_no_link_s: 0 is not a number of seconds above 0")]
    public void Inconsistent_profiles_are_refused_with_a_line_naming_the_culprit(string json, string what)
    {
        Assert.Equal($"board profile {Path}: {what}", Error(json));
    }

    [Fact]
    public void An_unreadable_file_is_named()
    {
        var e = Assert.Throws<RistbondException>(() => BoardProfileLoader.Load("/nonexistent/board.json"));
        Assert.StartsWith("board profile /nonexistent/board.json: cannot be read: ", e.Message);
    }
}
