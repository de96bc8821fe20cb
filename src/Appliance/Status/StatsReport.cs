using System.Text.Json.Serialization;

namespace Ristbond.Appliance.Status;

/// <summary>
/// One line of the stats stream (<c>--stats-json</c>), written once a second. Field names are stable and
/// documented in the README: other programs parse them. Rates are bits per second over the last second.
/// </summary>
public sealed record StatsReport
{
    /// <summary>Seconds since ristbond started sending.</summary>
    public required double T { get; init; }
    /// <summary>What the source runs at: testsrc's setting, or the input's measured rate for an external encoder.</summary>
    public required long BitrateBps { get; init; }
    /// <summary>The bitrate the links can carry now, with headroom: what the encoder should be set to.</summary>
    public required long RecommendedBitrateBps { get; init; }
    public required IReadOnlyList<LinkReport> Links { get; init; }
    public required TotalsReport Totals { get; init; }
    /// <summary>What happened since the last line (congestion-control, bandwidth-available); absent when nothing did.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EventReport>? Events { get; init; }
}

public sealed record EventReport
{
    /// <summary>congestion-control (the links carry less: go down) or bandwidth-available (they carry more: may go up).</summary>
    public required string Type { get; init; }
    public required double T { get; init; }
    public required long RecommendedBitrateBps { get; init; }
    /// <summary>Σ capacity × health of the links in rotation when it happened.</summary>
    public required long UsableCapacityBps { get; init; }
}

public sealed record LinkReport
{
    public required string Name { get; init; }
    /// <summary>The link URL with secret= and password= masked.</summary>
    public required string Url { get; init; }
    /// <summary>connecting, probing, live, degraded or dead.</summary>
    public required string State { get; init; }
    /// <summary>Smoothed round-trip time, ms.</summary>
    public required double RttMs { get; init; }
    /// <summary>Round-trip time above the link's recent minimum, ms: its queue.</summary>
    public required double QueueDelayMs { get; init; }
    /// <summary>Estimated loss of the link (0..1), from its keepalive answers and its share of the retransmissions.</summary>
    public required double Loss { get; init; }
    /// <summary>Estimated capacity, TS bits/s.</summary>
    public required long CapacityBps { get; init; }
    /// <summary>0..1: the part of its capacity the link is given (loss, delay and signal).</summary>
    public required double Health { get; init; }
    /// <summary>Bits/s leaving on this link: data, retransmissions and RTCP, as librist measures it.</summary>
    public required long SentBps { get; init; }
    /// <summary>Bits/s of retransmitted payload on this link.</summary>
    public required long RetransmitBps { get; init; }
    /// <summary>The weight handed to librist's weighted round robin.</summary>
    public required uint Weight { get; init; }
}

public sealed record TotalsReport
{
    /// <summary>TS bits/s accepted from the input.</summary>
    public required long InputBps { get; init; }
    public required long SentBps { get; init; }
    public required long RetransmitBps { get; init; }
    public required int Links { get; init; }
    public required int LinksLive { get; init; }
    /// <summary>TS packets accepted from the input since start.</summary>
    public required long InputPackets { get; init; }
    /// <summary>188-byte slots rejected for lacking the sync byte since start.</summary>
    public required long SyncErrors { get; init; }
    /// <summary>7×188-byte datagrams handed to librist since start.</summary>
    public required long Datagrams { get; init; }
    /// <summary>Datagrams librist refused since start (no link at all, for one).</summary>
    public required long WriteErrors { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StatsReport))]
public sealed partial class StatsJsonContext : JsonSerializerContext;
