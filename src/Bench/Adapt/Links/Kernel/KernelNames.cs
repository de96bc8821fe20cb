using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Ristbond.Bench.Adapt.Links.Kernel;

/// <summary>
/// The names and addresses of one bench process's kernel links, unique per run: namespaces
/// <c>rbbench-PID-SIDE</c>, veths <c>rb&lt;pid hex&gt;&lt;side&gt;&lt;link&gt;</c> (at most 11 of the kernel's 15
/// characters) and nft tables <c>rbbench_PID_SIDE</c>, all carrying the bench's process id, so a later run can
/// tell the leftovers of a dead one from those of a live one. Each link is a /30 of a /24 in 10.200.0.0/13 picked
/// from the pid: a concurrent run of another bench process uses another /24.
/// </summary>
public sealed partial class KernelNames
{
    public const string NamespacePrefix = "rbbench-";
    /// <summary>Links per side, the receiver's output path included (7 scenario links at most).</summary>
    public const int SlotsPerSide = 8;

    public KernelNames(int pid, int side)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(side);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(side, 1);
        Pid = pid;
        Side = side;
        string tag = side == 0 ? "r" : "b";
        Namespace = $"{NamespacePrefix}{pid}-{tag}";
        Table = $"rbbench_{pid}_{tag}";
        _devicePrefix = string.Create(CultureInfo.InvariantCulture, $"rb{pid:x6}{tag}");
        _subnet = [10, (byte)(200 + (pid >> 8) % 8), (byte)(pid & 0xff), 0];
    }

    readonly string _devicePrefix;
    readonly byte[] _subnet;

    public int Pid { get; }
    public int Side { get; }
    public string Namespace { get; }
    public string Table { get; }

    /// <summary>The root end of link <paramref name="slot"/>'s veth (the sender's side, where tbf shapes it).</summary>
    public string RootDevice(int slot) => _devicePrefix + slot.ToString(CultureInfo.InvariantCulture);

    /// <summary>The namespace end of the same veth (the receiver's side, where nft drops for loss).</summary>
    public string PeerDevice(int slot) => RootDevice(slot) + "p";

    /// <summary>The slot of the receiver's output path back to the capture: never shaped, never dropped.</summary>
    public static int OutputSlot => SlotsPerSide - 1;

    public IPAddress RootAddress(int slot) => Address(slot, 1);

    public IPAddress PeerAddress(int slot) => Address(slot, 2);

    IPAddress Address(int slot, int host)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, SlotsPerSide);
        return new IPAddress([_subnet[0], _subnet[1], _subnet[2], (byte)(4 * (Side * SlotsPerSide + slot) + host)]);
    }

    /// <summary>The pid in a namespace name of ours, or null for any other name.</summary>
    public static int? PidOf(string namespaceName) =>
        OurNamespace().Match(namespaceName) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^rbbench-(\d+)-[rb]$")]
    private static partial Regex OurNamespace();
}
