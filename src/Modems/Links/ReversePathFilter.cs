using System.Globalization;

namespace Ristbond.Modems;

/// <summary>The kernel's reverse-path filter on one interface, as it applies (the larger of <c>all</c> and the interface's).</summary>
public enum ReversePathMode
{
    /// <summary>The files could not be read (no such interface yet, no /proc): nothing to say.</summary>
    Unknown,
    Off,
    /// <summary>1: a packet is dropped unless the route back to its source leaves by the interface it came in on.</summary>
    Strict,
    /// <summary>2: dropped only when no route at all leads back to its source.</summary>
    Loose,
}

/// <summary>An interface's reverse-path filter, and the warning it calls for.</summary>
public readonly record struct ReversePathCheck(string Interface, ReversePathMode Mode)
{
    /// <summary>
    /// One line naming the interface and the fix, or null when the filter cannot drop the receiver's answers. Why it
    /// matters: a link bound to a modem's interface (miface=) sends by that interface whatever the routing table
    /// says, so the receiver's answers come back on it while the route to the receiver may leave by another
    /// modem. Strict filtering then drops every answer: librist never sees the link connect, yet still sends on it.
    /// </summary>
    public string? Warning => Mode == ReversePathMode.Strict
        ? $"{Interface}: the reverse-path filter is strict (rp_filter 1) and drops the receiver's answers unless the route to the receiver leaves by {Interface}; " +
          $"make it loose: sysctl -w net.ipv4.conf.{Interface.Replace('.', '/')}.rp_filter=2"
        : null;
}

/// <summary>
/// Reads <c>net.ipv4.conf.{all,IF}.rp_filter</c>. The kernel applies the larger of the two (IN_DEV_MAXCONF), so an
/// interface set to 2 is loose even when <c>all</c> is 1: the fix named is always the interface's own setting.
/// </summary>
public static class ReversePathFilter
{
    public const string DefaultProcSys = "/proc/sys";

    /// <summary>The filter on <paramref name="interfaceName"/>; <paramref name="procSys"/> is /proc/sys (a fake root in tests).</summary>
    public static ReversePathCheck Check(string interfaceName, string procSys = DefaultProcSys)
    {
        string conf = Path.Combine(procSys, "net", "ipv4", "conf");
        int? own = ReadValue(Path.Combine(conf, interfaceName, "rp_filter"));
        int? all = ReadValue(Path.Combine(conf, "all", "rp_filter"));
        return new ReversePathCheck(interfaceName, own is int value ? ModeOf(Math.Max(value, all ?? 0)) : ReversePathMode.Unknown);
    }

    /// <summary>rp_filter's value as the kernel reads it: 0 off, 1 strict, 2 loose (anything larger counts as loose).</summary>
    public static ReversePathMode ModeOf(int value) => value switch
    {
        <= 0 => ReversePathMode.Off,
        1 => ReversePathMode.Strict,
        _ => ReversePathMode.Loose,
    };

    /// <summary>The lower-case name used in text and JSON: off, strict, loose, unknown.</summary>
    public static string Name(ReversePathMode mode) => mode switch
    {
        ReversePathMode.Off => "off",
        ReversePathMode.Strict => "strict",
        ReversePathMode.Loose => "loose",
        _ => "unknown",
    };

    static int? ReadValue(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).AsSpan().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
