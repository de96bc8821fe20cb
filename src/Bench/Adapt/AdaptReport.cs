using System.Text.Json.Serialization;
using Ristbond.Bench.Adapt.Video;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// The result of one scenario, as written to <c>DIR/&lt;scenario&gt;.json</c> (with <see cref="Timelines"/>) and
/// printed by <c>--json</c> (without). Field names are snake_case.
/// </summary>
public sealed record AdaptReport
{
    public required string Scenario { get; init; }
    public required string Description { get; init; }
    /// <summary>"parallel" (both sides at once on one clock) or "sequential".</summary>
    public required string Mode { get; init; }
    /// <summary>"emulator" or "kernel" (<c>--links</c>).</summary>
    public string Links { get; init; } = "emulator";
    /// <summary>"testsrc" or "pattern" (<c>--input</c>).</summary>
    public string Input { get; init; } = "testsrc";
    /// <summary>What the links could not do that the scenario asks (kernel: no delay); null if nothing.</summary>
    public string? LinkLimitations { get; init; }
    public required ScenarioSettings Settings { get; init; }
    public required SideSummary Ristbond { get; init; }
    public required SideSummary Baseline { get; init; }
    public required IReadOnlyList<MetricResult> Metrics { get; init; }
    public required IReadOnlyList<GoalResult> Goals { get; init; }
    /// <summary>Why the run itself broke (a process died, a link loop failed, nothing delivered); null if it did not.</summary>
    public string? Broken { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AdaptTimelines? Timelines { get; init; }
}

/// <summary>How a run was made: sides together or one after the other, which links, which input.</summary>
public sealed record AdaptContext(string Mode, string Links, string Input);

public sealed record ScenarioSettings
{
    public required double DurationS { get; init; }
    public required IReadOnlyList<LinkSetting> Links { get; init; }
    public required IReadOnlyList<EventSetting> Events { get; init; }
    public required long RistbondStartBitrateBps { get; init; }
    public required long RistbondMinBitrateBps { get; init; }
    public required long RistbondMaxBitrateBps { get; init; }
    public required long BaselineBitrateBps { get; init; }
    public required string BaselineRationale { get; init; }
    public required int ReceiverBufferMs { get; init; }
    public required int ReorderBufferMs { get; init; }
    public required int ReceiverRttMinMs { get; init; }
    /// <summary>TS bits per link bit: 1316/1364 (see <see cref="AdaptScenario.PayloadFactor"/>).</summary>
    public required double PayloadFactor { get; init; }
    public required ulong Seed { get; init; }
}

/// <summary>A link at the start: up rate (a trace's mean) with a 250 ms queue, one-way delay both ways, and the trace it follows.</summary>
public sealed record LinkSetting(string Name, long RateBps, double DelayMs)
{
    public string? Trace { get; init; }
}

public sealed record EventSetting(double AtS, string Link, string What);

/// <summary>What one side delivered. Counts are over the whole run.</summary>
public sealed record SideSummary
{
    public required string Sender { get; init; }
    /// <summary>TS bits delivered ÷ the scenario's duration.</summary>
    public required double DeliveredBps { get; init; }
    public required long DeliveredBytes { get; init; }
    public required long DataPackets { get; init; }
    /// <summary>Data packets of the test stream that never arrived (the verifier's Missing; TS packets).</summary>
    public required long MissingTsPackets { get; init; }
    /// <summary>The receiver's own <c>lost</c> from flow_cumulative_stats (RIST datagrams of 7 TS packets).</summary>
    public required long ReceiverLost { get; init; }
    /// <summary>What ristreceiver reported lost in jumps too large to be real (see <see cref="ReceiverProcess"/>), left out of <see cref="ReceiverLost"/>.</summary>
    public required long ReceiverLostDiscarded { get; init; }
    public required long ReceiverRecovered { get; init; }
    /// <summary><see cref="MissingTsPackets"/> + <see cref="ReceiverLost"/>: 0 only if delivery was perfect.</summary>
    public required long Unrecovered { get; init; }
    public required long OutOfOrder { get; init; }
    public required long Corrupt { get; init; }
    public required long ContinuityErrors { get; init; }
    public required double LatencyMeanMs { get; init; }
    public required double LatencyMaxMs { get; init; }
    /// <summary>Packets the emulator itself could not handle (should be 0: else the emulation was not faithful).</summary>
    public required long EmulatorDroppedOther { get; init; }
    public int? SenderExitCode { get; init; }
    /// <summary>With <c>--input pattern</c>: the delivered video (frames, keyframes, frames missing, CC errors).</summary>
    public VideoFindings? Video { get; init; }
    public long? FramesSent { get; init; }
    /// <summary>With <c>--input pattern</c>: ffmpeg's decode of what was delivered.</summary>
    public DecodeResult? Decode { get; init; }
}

/// <summary>
/// One metric for both sides. <see cref="Ristbond"/> and <see cref="Baseline"/> are measured on the wire (the
/// emulated links' counters, 10 samples a second) where the metric allows, else from ristbond's stats;
/// <see cref="RistbondStats"/> is the same metric from ristbond's once-a-second stats lines. Null: never reached
/// within the run, or not measurable (see <see cref="Note"/>).
/// </summary>
public sealed record MetricResult
{
    public required string Name { get; init; }
    public required string Unit { get; init; }
    public required string Definition { get; init; }
    public required string Source { get; init; }
    public double? Ristbond { get; init; }
    public double? Baseline { get; init; }
    public double? RistbondStats { get; init; }
    public string? Note { get; init; }
    /// <summary>The metric is also measured from ristbond's stats (<see cref="RistbondStats"/> null then means never).</summary>
    [JsonIgnore]
    public bool HasStatsVariant { get; init; }
}

/// <summary>A goal from the README, its value for ristbond, and whether it was met (null: could not be measured).</summary>
public sealed record GoalResult(string Goal, string Value, bool? Met);

public sealed record AdaptTimelines
{
    /// <summary>Scenario seconds = ristbond's t + this.</summary>
    public required double RistbondStatsOffsetS { get; init; }
    public required IReadOnlyList<StatsSample> RistbondStats { get; init; }
    public required WireSeries RistbondWire { get; init; }
    public required WireSeries BaselineWire { get; init; }
}

/// <summary>A side's wire timeline: cumulative counters at each sample time.</summary>
public sealed record WireSeries
{
    public required IReadOnlyList<double> T { get; init; }
    public required IReadOnlyList<long> DeliveredBytes { get; init; }
    public required IReadOnlyList<WireLinkSeries> Links { get; init; }

    public static WireSeries From(WireTimeline wire) => new()
    {
        T = [.. wire.Times.Select(t => Math.Round(t, 3))],
        DeliveredBytes = wire.Delivered,
        Links = [.. wire.LinkNames.Select((name, i) => new WireLinkSeries(name, wire.BytesIn[i], wire.PacketsIn[i], wire.DataPackets[i], wire.Forwarded[i], wire.Dropped[i]))],
    };
}

/// <summary>One link's up counters: what the sender offered (bytes, packets, estimated data packets), what was forwarded, what was dropped.</summary>
public sealed record WireLinkSeries(string Name, IReadOnlyList<long> BytesIn, IReadOnlyList<long> PacketsIn, IReadOnlyList<long> DataPackets,
    IReadOnlyList<long> BytesForwarded, IReadOnlyList<long> DroppedPackets);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(AdaptReport))]
[JsonSerializable(typeof(List<AdaptReport>))]
public sealed partial class AdaptJsonContext : JsonSerializerContext;
