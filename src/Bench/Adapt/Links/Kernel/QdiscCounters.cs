using System.Text.Json;
using Ristbond.LinkEmulator;

namespace Ristbond.Bench.Adapt.Links.Kernel;

/// <summary>One root qdisc's statistics from <c>tc -s -j qdisc show</c> (bytes as the size table counts them: IP bytes).</summary>
public readonly record struct QdiscSample(long Bytes, long Packets, long Drops, long BacklogBytes, long BacklogPackets, long RateBps);

/// <summary>
/// Turns tbf's statistics on a link's sender end into the emulator's <see cref="LinkCounters"/>, so the bench
/// evaluates both back-ends alike. What the sender offered the link is what tbf sent, dropped or still holds;
/// sizes are UDP payload (IP bytes less 28, as the emulator counts). tbf counts its drops in packets only: their
/// bytes are taken at the mean size of what it sent, since a full tail-drop queue drops what arrives, big and
/// small alike. Loss (nft, after the queue) is not in these counters: the receiver reports what it lost.
/// </summary>
public static class QdiscCounters
{
    /// <summary>IPv4 and UDP headers, in the IP bytes tbf counts but not in the emulator's UDP payload.</summary>
    public const int IpUdpHeaderBytes = 28;

    /// <summary>The root qdisc of each device in one <c>tc -s -j qdisc show</c> answer, by device name.</summary>
    public static Dictionary<string, QdiscSample> Parse(string json)
    {
        var result = new Dictionary<string, QdiscSample>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(json);
        foreach (JsonElement q in doc.RootElement.EnumerateArray())
        {
            if (!q.TryGetProperty("dev", out JsonElement dev) || !(q.TryGetProperty("root", out JsonElement root) && root.ValueKind == JsonValueKind.True))
                continue;
            long rate = q.TryGetProperty("options", out JsonElement options) && options.TryGetProperty("rate", out JsonElement r) ? r.GetInt64() * 8 : 0;
            result[dev.GetString()!] = new QdiscSample(Long(q, "bytes"), Long(q, "packets"), Long(q, "drops"), Long(q, "backlog"), Long(q, "qlen"), rate);
        }
        return result;
    }

    public static LinkCounters ToLinkCounters(QdiscSample q)
    {
        long sentPayload = q.Bytes - IpUdpHeaderBytes * q.Packets;
        double meanPayload = q.Packets == 0 ? 0 : sentPayload / (double)q.Packets;
        long backlogPayload = Math.Max(0, q.BacklogBytes - IpUdpHeaderBytes * q.BacklogPackets);
        long offeredPackets = q.Packets + q.Drops + q.BacklogPackets;
        long offeredBytes = sentPayload + backlogPayload + (long)Math.Round(q.Drops * meanPayload);
        double queueMs = q.RateBps > 0 ? q.BacklogBytes * 8000.0 / q.RateBps : 0;
        return new LinkCounters(offeredPackets, offeredBytes, q.Packets, sentPayload, 0, q.Drops, 0, 0, queueMs);
    }

    static long Long(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
}
