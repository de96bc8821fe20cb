using System.Buffers;
using System.Text.Json;

namespace Ristbond.LinkEmulator;

/// <summary>
/// The JSON face of the counters: one line per sample, for `linkemu --stats-json` and for benchmarks that
/// want the emulator's view next to their own. Written with Utf8JsonWriter (no reflection).
/// <code>
/// {"t":3.0,"links":[{"name":"a","listen":"127.0.0.1:7001","outbound":"0.0.0.0:40312","blackout":false,
///   "up":{"rate_bps":4000000,"delay_ms":30,"packets_in":…,"bytes_in":…,"packets_forwarded":…,"bytes_forwarded":…,
///         "packets_lost":…,"packets_dropped_queue":…,"packets_dropped_blackout":…,"packets_dropped_other":…,
///         "queue_delay_ms":12.5},
///   "down":{…}}]}
/// </code>
/// </summary>
public static class LinkStatsJson
{
    /// <summary>Writes one sample as a single line (no trailing newline).</summary>
    public static void Write(IBufferWriter<byte> output, double elapsedSeconds, IReadOnlyList<EmulatedLink> links)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteNumber("t", Math.Round(elapsedSeconds, 3));
        json.WriteStartArray("links");
        foreach (EmulatedLink link in links)
        {
            json.WriteStartObject();
            json.WriteString("name", link.Name);
            json.WriteString("listen", link.ListenEndPoint.ToString());
            json.WriteString("outbound", link.OutboundEndPoint.ToString());
            json.WriteBoolean("blackout", link.IsBlackedOutNow);
            WriteDirection(json, "up", link.UpProfile, link.UpCounters);
            WriteDirection(json, "down", link.DownProfile, link.DownCounters);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    static void WriteDirection(Utf8JsonWriter json, string name, DirectionProfile profile, LinkCounters c)
    {
        json.WriteStartObject(name);
        json.WriteNumber("rate_bps", profile.RateBps);
        json.WriteNumber("delay_ms", profile.DelayMs);
        json.WriteNumber("packets_in", c.PacketsIn);
        json.WriteNumber("bytes_in", c.BytesIn);
        json.WriteNumber("packets_forwarded", c.PacketsForwarded);
        json.WriteNumber("bytes_forwarded", c.BytesForwarded);
        json.WriteNumber("packets_lost", c.PacketsLost);
        json.WriteNumber("packets_dropped_queue", c.PacketsDroppedQueue);
        json.WriteNumber("packets_dropped_blackout", c.PacketsDroppedBlackout);
        json.WriteNumber("packets_dropped_other", c.PacketsDroppedOther);
        json.WriteNumber("queue_delay_ms", Math.Round(c.QueueDelayMs, 3));
        json.WriteEndObject();
    }
}
