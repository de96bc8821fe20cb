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
    public required IReadOnlyList<LinkReport> Links { get; init; }
    public required TotalsReport Totals { get; init; }
}

public sealed record LinkReport
{
    public required string Name { get; init; }
    /// <summary>The link URL with secret= and password= masked.</summary>
    public required string Url { get; init; }
    /// <summary>connecting, live or dead.</summary>
    public required string State { get; init; }
    /// <summary>librist's smoothed round-trip time, ms.</summary>
    public required double RttMs { get; init; }
    /// <summary>Packets retransmitted ÷ packets sent on this link over the last second (the receiver's NACKs).</summary>
    public required double Loss { get; init; }
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
