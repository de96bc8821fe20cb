using Ristbond.Platform;

namespace Ristbond.Board.Devices;

/// <summary>
/// An LED class device, /sys/class/leds/NAME: <c>brightness</c> (0..<c>max_brightness</c>) for on and off, the
/// <c>timer</c> trigger with <c>delay_on</c>/<c>delay_off</c> for blinking (the kernel blinks it, so a busy or dead
/// ristbond does not freeze it mid-blink). Where the kernel lacks the timer trigger it blinks by brightness from
/// the board loop. Writes only what changes. The root is a parameter: tests lay out a directory like sysfs.
/// </summary>
public sealed class SysfsLed : IIndicator
{
    public const string DefaultRoot = "/sys/class/leds";
    const string TimerTrigger = "timer";
    const string NoTrigger = "none";

    readonly string _directory;
    readonly int _maxBrightness;
    readonly bool _kernelBlinks;
    IndicatorMode? _mode;
    string? _trigger;
    int? _brightness;

    SysfsLed(string name, string directory, int maxBrightness, bool kernelBlinks, string? trigger)
    {
        Name = $"LED {name}";
        _directory = directory;
        _maxBrightness = maxBrightness;
        _kernelBlinks = kernelBlinks;
        _trigger = trigger;
    }

    public string Name { get; }

    /// <summary>When true, <see cref="Dispose"/> leaves the LED as it is (the error LED after a fatal error).</summary>
    public bool KeepOnDispose { get; set; }

    public static SysfsLed Open(string root, string name)
    {
        string directory = Path.Combine(root, name);
        if (!Directory.Exists(directory))
            throw new BoardDeviceMissingException($"no LED '{name}' in {root}");
        string maxText = Read(directory, "max_brightness", name);
        if (!int.TryParse(maxText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int max) || max <= 0)
            throw new RistbondException($"LED {name}: max_brightness reads '{maxText}', not a number above 0");
        // "none rfkill-any [timer] pattern": the one in brackets is active.
        string triggers = Read(directory, "trigger", name);
        string? active = null;
        bool hasTimer = false;
        foreach (string word in triggers.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            bool selected = word.StartsWith('[') && word.EndsWith(']');
            string trigger = selected ? word[1..^1] : word;
            if (selected)
                active = trigger;
            hasTimer |= trigger == TimerTrigger;
        }
        return new SysfsLed(name, directory, max, hasTimer, active);
    }

    public void Show(IndicatorMode mode, long nowNanos)
    {
        if (!_kernelBlinks || mode is IndicatorMode.Off or IndicatorMode.On)
        {
            if (_mode != mode)
                SetTrigger(NoTrigger);
            _mode = mode;
            SetBrightness(Blink.IsLit(mode, nowNanos) ? _maxBrightness : 0);
            return;
        }
        if (_mode == mode)
            return;
        (int on, int off) = Blink.Timing(mode);
        SetTrigger(TimerTrigger);
        Write("delay_on", on.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Write("delay_off", off.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _brightness = null; // the timer owns it now
        _mode = mode;
    }

    void SetTrigger(string trigger)
    {
        if (_trigger == trigger)
            return;
        Write("trigger", trigger);
        _trigger = trigger;
        // Leaving a trigger switches the LED off in the kernel: write brightness again whatever we wrote before.
        _brightness = null;
    }

    void SetBrightness(int value)
    {
        if (_brightness == value)
            return;
        Write("brightness", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _brightness = value;
    }

    void Write(string attribute, string value)
    {
        string path = Path.Combine(_directory, attribute);
        try
        {
            // Truncate (O_TRUNC, as a shell redirection does), never create: a missing sysfs attribute is an error, not a new file.
            using var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite, 1);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(value));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"Could not write '{value}' to {path}: {e.Message}", ExitCodes.RuntimeFailure, e);
        }
    }

    static string Read(string directory, string attribute, string name)
    {
        string path = Path.Combine(directory, attribute);
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"LED {name}: cannot read {path}: {e.Message}");
        }
    }

    public void Dispose()
    {
        if (KeepOnDispose)
            return;
        try
        {
            Show(IndicatorMode.Off, 0);
        }
        catch (RistbondException)
        {
            // Exit goes on: the LED was unplugged or its driver unbound, nothing left to switch off.
        }
    }
}
