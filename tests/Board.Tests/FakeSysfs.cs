namespace Ristbond.Board.Tests;

/// <summary>
/// A temporary directory laid out like /sys/class/leds, because the build hosts have no LED class (checked: no
/// /sys/class/leds). Each LED is a directory with brightness, max_brightness, trigger, and delay_on/delay_off as the
/// timer trigger makes them. The real kernel files are exercised in the QEMU board (step ristbond_board).
/// </summary>
public sealed class FakeLedRoot : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("ristbond-leds-").FullName;

    public FakeLedRoot Add(string name, int maxBrightness = 255, string triggers = "[none] rfkill-any timer pattern")
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "brightness"), "0\n");
        File.WriteAllText(Path.Combine(dir, "max_brightness"), $"{maxBrightness}\n");
        File.WriteAllText(Path.Combine(dir, "trigger"), triggers + "\n");
        if (triggers.Contains("timer", StringComparison.Ordinal))
        {
            File.WriteAllText(Path.Combine(dir, "delay_on"), "500\n");
            File.WriteAllText(Path.Combine(dir, "delay_off"), "500\n");
        }
        return this;
    }

    public string Read(string name, string attribute) => File.ReadAllText(Path.Combine(Root, name, attribute)).Trim();

    /// <summary>Overwrites an attribute with a marker, so a test can tell whether ristbond wrote it again.</summary>
    public void Mark(string name, string attribute) => File.WriteAllText(Path.Combine(Root, name, attribute), "untouched");

    /// <summary>"on", "off", "blink 500/500" (or "?" for a state the LED class could not be in).</summary>
    public string Shown(string name)
    {
        string trigger = Read(name, "trigger");
        if (trigger == "timer")
            return $"blink {Read(name, "delay_on")}/{Read(name, "delay_off")}";
        if (trigger is not ("none" or "[none] rfkill-any timer pattern" or "[none] rfkill-any pattern"))
            return "?";
        return Read(name, "brightness") == "0" ? "off" : "on";
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
