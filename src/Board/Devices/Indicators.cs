using Ristbond.Platform;

namespace Ristbond.Board.Devices;

/// <summary>What an indicator shows. Blinking is the kernel's timer trigger on an LED class device, or software on a plain line.</summary>
public enum IndicatorMode
{
    Off,
    On,
    /// <summary>0.5 s on, 0.5 s off: connecting, waiting.</summary>
    BlinkSlow,
    /// <summary>125 ms on, 125 ms off: something is wrong with it.</summary>
    BlinkFast,
}

/// <summary>One light: an LED class device (<see cref="SysfsLed"/>) or an LED on a GPIO line (<see cref="GpioIndicator"/>).</summary>
public interface IIndicator : IDisposable
{
    /// <summary>"LED board:green:modem1", "line 3 of gpiochip0": how errors and logs name it.</summary>
    string Name { get; }

    /// <summary>Shows <paramref name="mode"/>. Called every board tick: touches the device only when what it shows changes.</summary>
    void Show(IndicatorMode mode, long nowNanos);
}

public static class Blink
{
    public static (int OnMs, int OffMs) Timing(IndicatorMode mode) => mode switch
    {
        IndicatorMode.BlinkSlow => (500, 500),
        IndicatorMode.BlinkFast => (125, 125),
        IndicatorMode.On => (1, 0),
        _ => (0, 1),
    };

    /// <summary>Whether a software-blinked light is lit at <paramref name="nowNanos"/> (phase from the monotonic clock).</summary>
    public static bool IsLit(IndicatorMode mode, long nowNanos)
    {
        (int on, int off) = Timing(mode);
        if (off == 0)
            return true;
        if (on == 0)
            return false;
        long periodNanos = (on + off) * 1_000_000L;
        return nowNanos % periodNanos < on * 1_000_000L;
    }
}

/// <summary>A device a profile names that is not there: an error, or a warning for a role marked optional.</summary>
public sealed class BoardDeviceMissingException(string message) : RistbondException(message, ExitCodes.BadInput);

/// <summary>An LED wired to a GPIO line without an LED driver: lit and blinked by setting the line from the board loop.</summary>
public sealed class GpioIndicator(IGpioLine line) : IIndicator
{
    bool? _lit;

    public string Name => line.Name;

    public void Show(IndicatorMode mode, long nowNanos)
    {
        bool lit = Blink.IsLit(mode, nowNanos);
        if (_lit == lit)
            return;
        line.Set(lit);
        _lit = lit;
    }

    public void Dispose()
    {
        if (_lit != false)
            line.Set(false);
        line.Dispose();
    }
}
