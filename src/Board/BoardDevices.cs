using Ristbond.Board.Devices;

namespace Ristbond.Board;

/// <summary>Where a board's LEDs and lines are: the kernel's (<see cref="Kernel"/>), or a sysfs-like directory and virtual lines in tests.</summary>
public sealed record BoardDevices(string LedRoot, IGpioChips Gpio)
{
    public static BoardDevices Kernel => new(SysfsLed.DefaultRoot, new GpioChardevChips());
}
