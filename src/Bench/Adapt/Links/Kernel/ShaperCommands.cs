using System.Globalization;
using System.Text;

namespace Ristbond.Bench.Adapt.Links.Kernel;

/// <summary>One link's impairments at a moment, as the kernel applies them: rate by tbf, loss and blackout by nft.</summary>
public sealed record KernelLinkState(string Name, string RootDevice, string PeerDevice, long RateBps, double UpLoss, double DownLoss, bool Dark);

/// <summary>
/// The text of the tc and nft commands that shape the kernel links (pure, so the exact commands are tested).
/// <para>
/// <b>Rate</b>: tbf on the root (sender's) end of each veth. Its size table takes 14 bytes off every packet so
/// the bucket counts IP bytes, as LinkEmulator does (a RIST datagram of 7×188 TS bytes is 1364 of them): the same
/// scenario then means the same TS capacity on both back-ends. The bucket holds 5 ms at the link's rate, at least
/// two full frames: a modem is granted the air in slots of a millisecond or so, not byte by byte, and a bucket of
/// one frame would pace more smoothly than any radio. <b>Queue</b>: 250 ms at the current rate (tbf's
/// <c>latency</c>, re-stated with every rate change), the emulator's default and in the range of a cellular
/// modem's uplink buffer (tens to hundreds of ms): deep enough that an overload shows as queueing delay before it
/// shows as loss, as on a real modem.
/// </para>
/// <para>
/// <b>Loss</b>: nft in the receiver's namespace drops <c>numgen random</c> shares of what arrives from a link (up)
/// and what the receiver sends into it (down), after the link's queue, as the air loses packets after the modem's
/// buffer. <b>Blackout</b>: the same rules drop everything on the link both ways.
/// </para>
/// </summary>
public static class ShaperCommands
{
    public const double QueueMs = 250;
    public const double BucketMs = 5;
    /// <summary>Ethernet header the size table takes off (the bucket counts IP packets).</summary>
    public const int EthernetHeaderBytes = 14;
    const int MinBucketBytes = 2 * 1514;
    /// <summary>numgen's modulus: loss in steps of one in a million.</summary>
    const int LossScale = 1_000_000;
    /// <summary>tbf refuses a rate of 0; a blackout is nft's, and a rate of 0 in a trace means an outage.</summary>
    const long MinRateBps = 8_000;

    public static long BucketBytes(long rateBps) => Math.Max(MinBucketBytes, (long)(rateBps / 8.0 * BucketMs / 1000));

    /// <summary>The tc batch line that sets (verb add) or changes (verb change) a link's rate.</summary>
    public static string Tbf(string verb, string device, long rateBps)
    {
        long rate = Math.Max(MinRateBps, rateBps);
        return string.Create(CultureInfo.InvariantCulture,
            $"qdisc {verb} dev {device} root stab overhead -{EthernetHeaderBytes} linklayer ethernet tbf rate {rate}bit burst {BucketBytes(rate)} latency {QueueMs}ms");
    }

    /// <summary>The nft table of one side's receiver namespace: an up chain (what arrives) and a down chain (what leaves).</summary>
    public static string Table(string table) =>
        $"add table inet {table}\n" +
        $"add chain inet {table} up {{ type filter hook prerouting priority -300; policy accept; }}\n" +
        $"add chain inet {table} down {{ type filter hook output priority -300; policy accept; }}\n";

    /// <summary>
    /// Replaces both chains' rules with the links' current loss and blackouts, in one nft transaction (the chains
    /// are never seen half rewritten). Links with neither get no rule.
    /// </summary>
    public static string Rules(string table, IEnumerable<KernelLinkState> links)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"flush chain inet {table} up; flush chain inet {table} down; ");
        foreach (KernelLinkState link in links)
        {
            if (link.Dark)
            {
                text.Append(CultureInfo.InvariantCulture, $"add rule inet {table} up iifname \"{link.PeerDevice}\" counter drop; ");
                text.Append(CultureInfo.InvariantCulture, $"add rule inet {table} down oifname \"{link.PeerDevice}\" counter drop; ");
                continue;
            }
            if (Threshold(link.UpLoss) is int up)
                text.Append(CultureInfo.InvariantCulture, $"add rule inet {table} up iifname \"{link.PeerDevice}\" numgen random mod {LossScale} < {up} counter drop; ");
            if (Threshold(link.DownLoss) is int down)
                text.Append(CultureInfo.InvariantCulture, $"add rule inet {table} down oifname \"{link.PeerDevice}\" numgen random mod {LossScale} < {down} counter drop; ");
        }
        return text.ToString().TrimEnd(' ', ';') + "\n";
    }

    static int? Threshold(double loss) => loss > 0 ? (int)Math.Round(Math.Min(1, loss) * LossScale) : null;
}
