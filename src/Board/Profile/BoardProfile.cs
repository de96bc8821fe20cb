using System.Text.Json.Serialization;

namespace Ristbond.Board.Profile;

/// <summary>
/// What an integrator writes once per board (board/&lt;board&gt;/board-profile.json, schema in src/Board/README.md):
/// which LED or GPIO line plays which role, which modem sits in which slot, and how a modem that stays failed is
/// power-cycled. Parsed with System.Text.Json source generation (<see cref="BoardProfileJsonContext"/>), snake_case,
/// unknown keys refused so a typo is an error rather than a silently dark LED. Properties with a default have
/// setters, not init: the source generator would reset an absent init-only property to null/0, not keep its default.
/// </summary>
public sealed record BoardProfile
{
    /// <summary>A name for logs ("Thundercomm RB5"); optional.</summary>
    public string? Board { get; init; }
    /// <summary>Solid while some link carries the stream, blinking while none does (waiting for the receiver).</summary>
    public IndicatorSpec? Streaming { get; init; }
    /// <summary>On for a fatal error (left on when ristbond exits because of one), or when no link has carried the stream for <see cref="ErrorAfterNoLinkS"/>.</summary>
    public IndicatorSpec? Error { get; init; }
    public IReadOnlyList<SlotSpec> Slots { get; set; } = [];
    public PowerCycleSpec PowerCycle { get; set; } = new();
    /// <summary>Seconds without any link carrying the stream before the error indicator lights.</summary>
    public double ErrorAfterNoLinkS { get; set; } = 10;
}

/// <summary>
/// One modem slot (an M.2 socket, a USB port): its LED, which modem is in it, and optionally the line that switches
/// its power.
/// </summary>
public sealed record SlotSpec
{
    public required string Name { get; init; }
    public required ModemMatch Modem { get; init; }
    /// <summary>Off: no modem; slow blink: connecting; fast blink: degraded, dead or failed; solid: carrying its share.</summary>
    public IndicatorSpec? Led { get; init; }
    /// <summary>An output line that powers the slot (1 = on, after <see cref="GpioLineSpec.ActiveLow"/>): held on, dropped for a power cycle.</summary>
    public GpioLineSpec? PowerEnable { get; init; }
}

/// <summary>
/// How the modem in a slot is recognised; exactly one key. <c>usb_port</c> is the usual one on a board: the socket is
/// wired to a fixed USB port, whatever modem is fitted.
/// </summary>
public sealed record ModemMatch
{
    /// <summary>The last component of ModemManager's Modem.Device sysfs path, e.g. "2-1" or "1-1.3" (a USB port), or the whole path.</summary>
    public string? UsbPort { get; init; }
    /// <summary>The last 4 digits of the modem's IMEI: follows one modem from slot to slot.</summary>
    public string? ImeiLast4 { get; init; }
    /// <summary>The network interface of the modem's connected bearer (wwan0): only known while connected.</summary>
    public string? Interface { get; init; }
    /// <summary>A link by name (name= of a -o URL): for links that are not ModemManager modems (a USB-Ethernet modem, tests).</summary>
    public string? Link { get; init; }
}

/// <summary>An indicator: an LED class device or a GPIO line with an LED on it; exactly one of the two.</summary>
public sealed record IndicatorSpec
{
    /// <summary>The LED class device's name, as in /sys/class/leds/NAME.</summary>
    public string? Led { get; init; }
    public GpioLineSpec? Gpio { get; init; }
    /// <summary>When true, a missing LED or chip is a warning and the role stays dark; when false (default), an error.</summary>
    public bool Optional { get; init; }
}

/// <summary>One line of a GPIO chip, driven as an output through the character device.</summary>
public sealed record GpioLineSpec
{
    /// <summary>gpiochipN, a /dev path, or the chip's label (stable across boots where the number is not).</summary>
    public required string Chip { get; init; }
    /// <summary>The line's offset on the chip.</summary>
    public required uint Line { get; init; }
    /// <summary>The line is on when low (the kernel inverts it: ristbond always says 1 for on).</summary>
    public bool ActiveLow { get; init; }
    /// <summary>For <c>power_enable</c>: a missing chip is a warning, not an error.</summary>
    public bool Optional { get; init; }

    public override string ToString() => $"line {Line} of {Chip}";
}

/// <summary>When a slot's modem counts as stuck and how its power is cycled.</summary>
public sealed record PowerCycleSpec
{
    /// <summary>Seconds a slot stays failed (modem absent or FAILED, or its link not carrying while another does) before its power is cut.
    /// Longer than ModemManager re-enabling a stuck modem (2 min), which is tried first.</summary>
    public double AfterS { get; set; } = 180;
    /// <summary>Seconds the power stays off.</summary>
    public double OffS { get; set; } = 5;
    /// <summary>The wait before the next cycle doubles after each one that did not help, up to this.</summary>
    public double MaxAfterS { get; set; } = 3600;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(BoardProfile))]
public sealed partial class BoardProfileJsonContext : JsonSerializerContext;
