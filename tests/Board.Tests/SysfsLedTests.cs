using Ristbond.Board.Devices;
using Ristbond.Platform;

namespace Ristbond.Board.Tests;

public sealed class SysfsLedTests : IDisposable
{
    readonly FakeLedRoot _sys = new();

    [Fact]
    public void On_is_max_brightness_without_a_trigger_and_off_is_zero()
    {
        _sys.Add("board:green:stream", maxBrightness: 1);
        using SysfsLed led = SysfsLed.Open(_sys.Root, "board:green:stream");
        led.Show(IndicatorMode.On, 0);
        Assert.Equal("1", _sys.Read("board:green:stream", "brightness"));
        led.Show(IndicatorMode.Off, 0);
        Assert.Equal("0", _sys.Read("board:green:stream", "brightness"));
    }

    [Fact]
    public void Blinking_is_the_kernel_timer_trigger_with_its_delays()
    {
        _sys.Add("m1");
        using SysfsLed led = SysfsLed.Open(_sys.Root, "m1");
        led.Show(IndicatorMode.BlinkFast, 0);
        Assert.Equal("blink 125/125", _sys.Shown("m1"));
        led.Show(IndicatorMode.BlinkSlow, 0);
        Assert.Equal("blink 500/500", _sys.Shown("m1"));
        led.Show(IndicatorMode.On, 0);
        Assert.Equal("none", _sys.Read("m1", "trigger"));
        Assert.Equal("255", _sys.Read("m1", "brightness"));
    }

    [Fact]
    public void Nothing_is_written_while_the_mode_stays_the_same()
    {
        _sys.Add("m1");
        using SysfsLed led = SysfsLed.Open(_sys.Root, "m1");
        led.Show(IndicatorMode.BlinkSlow, 0);
        _sys.Mark("m1", "trigger");
        _sys.Mark("m1", "delay_on");
        for (long t = 0; t < 5_000_000_000; t += 50_000_000)
            led.Show(IndicatorMode.BlinkSlow, t);
        Assert.Equal("untouched", _sys.Read("m1", "trigger"));
        Assert.Equal("untouched", _sys.Read("m1", "delay_on"));

        led.Show(IndicatorMode.On, 0);
        _sys.Mark("m1", "brightness");
        led.Show(IndicatorMode.On, 1);
        Assert.Equal("untouched", _sys.Read("m1", "brightness"));
    }

    [Fact]
    public void Without_the_timer_trigger_it_blinks_by_brightness_in_software()
    {
        _sys.Add("plain", triggers: "[none] rfkill-any pattern");
        using SysfsLed led = SysfsLed.Open(_sys.Root, "plain");
        led.Show(IndicatorMode.BlinkSlow, 100_000_000);
        Assert.Equal("255", _sys.Read("plain", "brightness"));
        led.Show(IndicatorMode.BlinkSlow, 600_000_000);
        Assert.Equal("0", _sys.Read("plain", "brightness"));
        led.Show(IndicatorMode.BlinkSlow, 1_100_000_000);
        Assert.Equal("255", _sys.Read("plain", "brightness"));
    }

    [Fact]
    public void Dispose_switches_it_off()
    {
        _sys.Add("m1");
        using (SysfsLed led = SysfsLed.Open(_sys.Root, "m1"))
            led.Show(IndicatorMode.BlinkFast, 0);
        Assert.Equal("off", _sys.Shown("m1"));
    }

    [Fact]
    public void A_missing_LED_names_itself_and_the_directory()
    {
        var e = Assert.Throws<BoardDeviceMissingException>(() => SysfsLed.Open(_sys.Root, "board:red:error"));
        Assert.Equal($"no LED 'board:red:error' in {_sys.Root}", e.Message);
    }

    [Fact]
    public void A_broken_max_brightness_is_an_error_naming_the_LED()
    {
        _sys.Add("m1");
        File.WriteAllText(Path.Combine(_sys.Root, "m1", "max_brightness"), "lots");
        var e = Assert.Throws<RistbondException>(() => SysfsLed.Open(_sys.Root, "m1"));
        Assert.Equal("LED m1: max_brightness reads 'lots', not a number above 0", e.Message);
    }

    public void Dispose() => _sys.Dispose();
}
