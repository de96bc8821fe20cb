using Microsoft.Extensions.Logging;
using Ristbond.Board.Devices;
using Ristbond.Board.Logic;
using Ristbond.Board.Profile;
using Ristbond.Bonding;
using Ristbond.Modems.Tests.Harness;
using Ristbond.Platform;

namespace Ristbond.Board.Tests;

/// <summary>
/// The board facade end to end on a fake sysfs root and virtual GPIO lines (the build hosts have neither an LED class
/// nor a GPIO chip; the kernel side runs in the QEMU board): profile → devices → what they show, in simulated time.
/// </summary>
public sealed class BoardServiceTests : IDisposable
{
    const long S = 1_000_000_000;
    const string ProfilePath = "/etc/ristbond/board.json";

    readonly FakeLedRoot _sys = new();
    readonly VirtualGpioChips _gpio = new(new Dictionary<string, int> { ["gpiochip0"] = 8 });
    readonly RecordingLogger _log = new();

    static BoardProfile Profile(bool optionalError = false) => new()
    {
        Streaming = new IndicatorSpec { Led = "board:green:stream" },
        Error = new IndicatorSpec { Gpio = new GpioLineSpec { Chip = "gpiochip0", Line = 1 }, Optional = optionalError },
        Slots =
        [
            new SlotSpec { Name = "lte1", Modem = new ModemMatch { Link = "lte1" }, Led = new IndicatorSpec { Led = "board:green:lte1" },
                PowerEnable = new GpioLineSpec { Chip = "gpiochip0", Line = 3 } },
            new SlotSpec { Name = "lte2", Modem = new ModemMatch { Link = "lte2" }, Led = new IndicatorSpec { Gpio = new GpioLineSpec { Chip = "gpiochip0", Line = 2 } },
                PowerEnable = new GpioLineSpec { Chip = "gpiochip0", Line = 4 } },
        ],
        PowerCycle = new PowerCycleSpec { AfterS = 2, OffS = 1, MaxAfterS = 8 },
    };

    BoardService Open(BoardProfile profile) => BoardService.Open(profile, ProfilePath, new BoardDevices(_sys.Root, _gpio), _log);

    [Fact]
    public void Indicators_follow_the_links_and_the_power_of_a_slot_whose_link_alone_is_down_is_cycled()
    {
        _sys.Add("board:green:stream").Add("board:green:lte1");
        using (BoardService board = Open(Profile()))
        {
            VirtualGpioLine power1 = _gpio.Find("gpiochip0", 3)!, power2 = _gpio.Find("gpiochip0", 4)!;
            Assert.True(power1.Value && power2.Value); // requested on: starting ristbond never cuts a modem
            // Seconds before the first report (a slow start): no news is not a failed slot.
            for (long t = -10 * S; t < 0; t += S / 20)
                board.Tick(t);
            Assert.Equal([true], power2.History);

            board.Post(new BoardInput([new BoardLink("lte1", LinkState.Connecting, null), new BoardLink("lte2", LinkState.Connecting, null)], null));
            board.Tick(0);
            Assert.Equal("blink 500/500", _sys.Shown("board:green:stream"));
            Assert.Equal("blink 500/500", _sys.Shown("board:green:lte1"));

            board.Post(new BoardInput([new BoardLink("lte1", LinkState.Live, null), new BoardLink("lte2", LinkState.Dead, null)], null));
            for (long t = S / 10; t <= 6 * S; t += S / 20)
                board.Tick(t);
            Assert.Equal("on", _sys.Shown("board:green:stream"));
            Assert.Equal("on", _sys.Shown("board:green:lte1"));
            // lte2's LED is a plain line blinked fast in software: 125 ms on, 125 ms off.
            VirtualGpioLine led2 = _gpio.Find("gpiochip0", 2)!;
            Assert.InRange(led2.History.Count, 40, 56);
            Assert.False(_gpio.Find("gpiochip0", 1)!.Value); // error off: a link carries
            // lte2 dead while lte1 carries, from 0.1 s: cut at 2.1 s, on at 3.1 s; the next wait is 4 s, from 3.1 s.
            Assert.Equal([true, false, true], power2.History);
            Assert.Equal([true], power1.History);
            Assert.Contains(_log.Lines, l => l.Level == LogLevel.Warning
                && l.Message == "slot lte2: no working modem for 2 s: power off for 1 s (line 4 of gpiochip0, power cycle 1)");
        }
        Assert.Equal("off", _sys.Shown("board:green:stream"));
        Assert.Equal("off", _sys.Shown("board:green:lte1"));
        Assert.All([1u, 2u, 3u, 4u], line => Assert.True(_gpio.Find("gpiochip0", line)!.Released));
        Assert.False(_gpio.Find("gpiochip0", 2)!.Value);
    }

    [Fact]
    public void After_a_fatal_error_the_error_LED_stays_lit_and_the_others_go_off()
    {
        _sys.Add("board:green:stream").Add("board:red:error");
        var profile = new BoardProfile { Streaming = new IndicatorSpec { Led = "board:green:stream" }, Error = new IndicatorSpec { Led = "board:red:error" } };
        using (BoardService board = Open(profile))
        {
            board.Post(new BoardInput([new BoardLink("a", LinkState.Live, null)], null));
            board.Tick(0);
            Assert.Equal("off", _sys.Shown("board:red:error"));
            board.Fault();
            board.Tick(S / 20);
            Assert.Equal("on", _sys.Shown("board:red:error"));
        }
        Assert.Equal("on", _sys.Shown("board:red:error"));
        Assert.Equal("off", _sys.Shown("board:green:stream"));
    }

    [Fact]
    public void A_fault_before_the_loop_ever_ran_still_leaves_the_error_LED_lit()
    {
        _sys.Add("board:red:error");
        using (BoardService board = Open(new BoardProfile { Error = new IndicatorSpec { Led = "board:red:error" } }))
            board.Fault();
        Assert.Equal("on", _sys.Shown("board:red:error"));
    }

    [Fact]
    public void A_missing_LED_is_an_error_naming_the_profile_the_role_and_the_LED()
    {
        _sys.Add("board:green:stream");
        var e = Assert.Throws<RistbondException>(() => Open(Profile()));
        Assert.Equal($"board profile {ProfilePath}: slot 'lte1' led: no LED 'board:green:lte1' in {_sys.Root}", e.Message);
        // What was opened before the error is released again.
        Assert.True(_gpio.Find("gpiochip0", 1)!.Released);
    }

    [Fact]
    public void A_missing_chip_for_an_optional_role_is_a_warning_and_the_rest_works()
    {
        _sys.Add("board:green:stream").Add("board:green:lte1");
        var profile = Profile(optionalError: true) with
        {
            Error = new IndicatorSpec { Gpio = new GpioLineSpec { Chip = "pmic-gpio", Line = 7 }, Optional = true },
        };
        using BoardService board = Open(profile);
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Warning
            && l.Message == $"board profile {ProfilePath}: error: no GPIO chip 'pmic-gpio'; optional, so it stays dark");
        board.Tick(0);
        Assert.Equal("blink 500/500", _sys.Shown("board:green:stream"));
    }

    [Fact]
    public void A_line_beyond_the_chip_is_an_error_even_for_an_optional_role()
    {
        _sys.Add("board:green:stream").Add("board:green:lte1");
        var profile = Profile() with { Error = new IndicatorSpec { Gpio = new GpioLineSpec { Chip = "gpiochip0", Line = 12 }, Optional = true } };
        var e = Assert.Throws<RistbondException>(() => Open(profile));
        Assert.Equal($"board profile {ProfilePath}: error: gpiochip0 has 8 lines: line 12 does not exist", e.Message);
    }

    public void Dispose() => _sys.Dispose();
}
