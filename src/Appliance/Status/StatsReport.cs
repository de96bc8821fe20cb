using System.Text.Json.Serialization;
using Ristbond.Appliance.Send;
using Ristbond.Ingest;
using Ristbond.Modems;

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
    /// <summary>The range the recommendation is kept in (--min-bitrate/--max-bitrate, or as last set live).</summary>
    public required long MinBitrateBps { get; init; }
    public required long MaxBitrateBps { get; init; }
    /// <summary>False while streaming is stopped (the status page's stop): the input is dropped, the links stay up.</summary>
    public required bool Streaming { get; init; }
    public required IReadOnlyList<LinkReport> Links { get; init; }
    public required TotalsReport Totals { get; init; }
    /// <summary>What happened since the last line (congestion-control, bandwidth-available); absent when nothing did.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EventReport>? Events { get; init; }
    /// <summary>The stream pacer between the input and the links.</summary>
    public required PacerReport Pacer { get; init; }
    /// <summary>The video path when ristbond encodes (<c>-i pattern</c>, <c>-i v4l2://…</c>); absent for TS inputs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VideoSendStats? Encoder { get; init; }
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
    /// <summary>The modem behind the link (<c>send --modems</c>); absent for links configured by URL.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ModemLinkReport? Modem { get; init; }
}

/// <summary>Who and how the modem behind a link is, as ModemManager last reported it.</summary>
public sealed record ModemLinkReport
{
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    /// <summary>The last 4 digits of the IMEI: never more.</summary>
    public string? ImeiLast4 { get; init; }
    public string? Operator { get; init; }
    /// <summary>"lte", "5gnr", "lte, 5gnr", …</summary>
    public required string AccessTechnology { get; init; }
    /// <summary>ModemManager's modem state: registered, connected, …</summary>
    public required string State { get; init; }
    /// <summary>The network interface of the modem's data bearer (wwan0, …).</summary>
    public required string Interface { get; init; }
    /// <summary>Which reading the signal values are from: lte, 5gnr, or unknown (none fresh: values absent, factor 1).</summary>
    public required string SignalSource { get; init; }
    /// <summary>dBm.</summary>
    public double? Rsrp { get; init; }
    /// <summary>dB.</summary>
    public double? Rsrq { get; init; }
    /// <summary>dB.</summary>
    public double? Snr { get; init; }
    /// <summary>dBm.</summary>
    public double? Rssi { get; init; }
    /// <summary>0..1: what the signal alone allows of the link's weight (part of <c>health</c>).</summary>
    public required double SignalFactor { get; init; }
    /// <summary>Uplink capacity the signal suggests, bits/s: where the link's capacity estimate started.</summary>
    public long? CapacityPriorBps { get; init; }
    /// <summary>The interface's reverse-path filter: off, strict, loose, unknown (strict drops the receiver's answers: see <c>warning</c>).</summary>
    public required string RpFilter { get; init; }
    /// <summary>One line naming the interface and the fix when its reverse-path filter drops the receiver's answers; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Warning { get; init; }

    public static ModemLinkReport From(ModemLink link)
    {
        SignalReading? reading = link.Signal.Source switch
        {
            Ristbond.Modems.SignalSource.Lte => link.Modem.Lte,
            Ristbond.Modems.SignalSource.Nr5g => link.Modem.Nr5g,
            _ => null,
        };
        return new ModemLinkReport
        {
            Manufacturer = link.Modem.Identity.Manufacturer,
            Model = link.Modem.Identity.Model,
            ImeiLast4 = link.Modem.Identity.ImeiLast4,
            Operator = link.Modem.OperatorName,
            AccessTechnology = ModemManagerText.Of(link.Modem.AccessTechnologies),
            State = ModemManagerText.Of(link.Modem.State),
            Interface = link.Interface,
            SignalSource = link.Signal.Source switch { Ristbond.Modems.SignalSource.Lte => "lte", Ristbond.Modems.SignalSource.Nr5g => "5gnr", _ => "unknown" },
            Rsrp = reading?.Rsrp,
            Rsrq = reading?.Rsrq,
            Snr = reading?.Snr,
            Rssi = reading?.Rssi,
            SignalFactor = Math.Round(link.Signal.Factor, 3),
            CapacityPriorBps = link.Signal.CapacityPriorBps is double bps ? (long)bps : null,
            RpFilter = ReversePathFilter.Name(link.ReversePath.Mode),
            Warning = link.ReversePath.Warning,
        };
    }
}

/// <summary>The stream pacer (README, "Pacing"): what the links are spared, and what it costs in delay.</summary>
public sealed record PacerReport
{
    public required int LatencyBudgetMs { get; init; }
    public required double PeakFactor { get; init; }
    /// <summary>Bits/s the pacer lets out at most now: the source's bit rate × the peak factor.</summary>
    public required long RateBps { get; init; }
    /// <summary>What waits in the pacer now, ms of the source's bit rate.</summary>
    public required double QueuedMs { get; init; }
    /// <summary>The longest a datagram waited in the pacer over the last second, ms.</summary>
    public required double LongestWaitMs { get; init; }
    /// <summary>Datagrams that left on the latency budget instead of the rate, since start: the source ran above its rate that long.</summary>
    public required long LateDatagrams { get; init; }
    /// <summary>The busiest 100 ms over the mean of the last second, of what left the pacer for the links (1 = even); absent before a second of traffic.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Burstiness { get; init; }
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
