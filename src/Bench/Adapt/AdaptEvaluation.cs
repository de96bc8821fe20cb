using System.Globalization;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// Turns the recorded timelines of a run into the scenario's metrics and the README's goals. Wire metrics use the
/// emulated links' counters (10 samples a second, the same for both sides); stats metrics use ristbond's
/// once-a-second stats lines (and the times of their events), so they are only as fine as a second.
/// </summary>
public static class AdaptEvaluation
{
    /// <summary>Window of the wire shares for halving and fair-share metrics: long enough to smooth librist's rounds.</summary>
    public const double ShareWindowSeconds = 0.5;
    /// <summary>Window of the wire share for out-of-rotation: short, the contrast (⅓ against ~1%) is large.</summary>
    public const double OutWindowSeconds = 0.2;
    /// <summary>A wire threshold counts only once it holds this long (a dip of one window is not a decision).</summary>
    public const double HoldSeconds = 1.0;
    /// <summary>Out of rotation on the wire: the link gets at most this share of the data packets (ristbond's weight 1 is about 1%).</summary>
    public const double OutWireShare = 0.03;
    /// <summary>Out of rotation in the stats: state dead, or weight at most this share of all weights.</summary>
    public const double OutWeightShare = 0.01;
    public const double ReversalMinChange = 0.05;
    public const double ReversalWindowSeconds = 5;

    public static AdaptReport Evaluate(AdaptScenario s, SideRecord ristbond, SideRecord baseline, string mode) =>
        Evaluate(s, ristbond, baseline, new AdaptContext(mode, "emulator", "testsrc"));

    public static AdaptReport Evaluate(AdaptScenario s, SideRecord ristbond, SideRecord baseline, AdaptContext context)
    {
        SideSummary rb = Summarize(s, ristbond), bl = Summarize(s, baseline);
        var metrics = new List<MetricResult>
        {
            new()
            {
                Name = "goodput_bps", Unit = "bit/s", Source = "receiver output",
                Definition = "TS bits the receiver delivered ÷ the scenario's duration",
                Ristbond = Math.Round(rb.DeliveredBps), Baseline = Math.Round(bl.DeliveredBps),
            },
            new()
            {
                Name = "unrecovered", Unit = "packets", Source = "verifier + receiver",
                Definition = "data TS packets missing at the receiver's output (verifier) + datagrams the receiver reports lost",
                Ristbond = rb.Unrecovered, Baseline = bl.Unrecovered,
            },
        };
        var goals = new List<GoalResult>();
        switch (s.Kind)
        {
            case AdaptKind.StepDown: StepDown(s, ristbond, metrics, goals); break;
            case AdaptKind.Loss: ShareHalved(s, ristbond, baseline, metrics, goals); break;
            case AdaptKind.Blackout: OutOfRotation(s, ristbond, baseline, metrics, goals); break;
            case AdaptKind.Aggregation: Aggregation(s, ristbond, baseline, rb, metrics, goals); break;
            case AdaptKind.Flapping: Flapping(s, ristbond, baseline, metrics, goals); break;
            case AdaptKind.Healed: Healed(s, ristbond, baseline, metrics, goals); break;
        }
        IssueGoals.Add(s, ristbond, baseline, metrics, goals);
        goals.Add(new GoalResult("fewer unrecovered than the baseline", $"{rb.Unrecovered} vs {bl.Unrecovered}",
            rb.Unrecovered < bl.Unrecovered || rb.Unrecovered == 0 && bl.Unrecovered == 0));

        string? broken = ristbond.Problem ?? baseline.Problem
            ?? (ristbond.DeliveredBytes == 0 ? "the ristbond side delivered nothing" : null)
            ?? (baseline.DeliveredBytes == 0 ? "the baseline side delivered nothing" : null);
        return new AdaptReport
        {
            Scenario = s.Name,
            Description = s.Description,
            Mode = context.Mode,
            Links = context.Links,
            Input = context.Input,
            LinkLimitations = ristbond.LinkLimitations ?? baseline.LinkLimitations,
            Settings = Settings(s),
            Ristbond = rb,
            Baseline = bl,
            Metrics = metrics,
            Goals = goals,
            Broken = broken,
            Timelines = new AdaptTimelines
            {
                RistbondStatsOffsetS = Math.Round(ristbond.Stats?.Offset ?? 0, 3),
                RistbondStats = ristbond.Stats?.Samples ?? [],
                RistbondWire = WireSeries.From(ristbond.Wire),
                BaselineWire = WireSeries.From(baseline.Wire),
            },
        };
    }

    // ---- per scenario ----------------------------------------------------------------------------------

    static void StepDown(AdaptScenario s, SideRecord rb, List<MetricResult> metrics, List<GoalResult> goals)
    {
        double from = s.MetricFromSeconds, capacity = s.PayloadCapacityBps(from + 0.001);
        List<TimePoint> recommended = rb.Stats?.Recommended() ?? [];
        List<TimePoint> bitrate = rb.Stats?.Series(x => x.BitrateBps) ?? [];
        double? value = recommended.Count == 0 ? null : Round(AdaptMetrics.SecondsUntil(recommended, from, v => v < capacity));
        metrics.Add(new MetricResult
        {
            Name = "recommended_below_capacity_s", Unit = "s", Source = "stats lines and their events",
            Definition = $"seconds from the step at {Num(from)} s until recommended_bitrate_bps < {Units.FormatBitrate(capacity)} (Σ rates after the step × 1316/1364)",
            Ristbond = value,
            Baseline = s.BaselineBitrateBps < capacity ? 0 : null,
            Note = (recommended.Count == 0 ? "ristbond reports no recommended_bitrate_bps; " : "") + $"baseline: fixed {Units.FormatBitrate(s.BaselineBitrateBps)} (0 = already below, null = never)",
        });
        metrics.Add(new MetricResult
        {
            Name = "source_below_capacity_s", Unit = "s", Source = "stats lines",
            Definition = $"seconds from the step until the test source's bitrate_bps < {Units.FormatBitrate(capacity)}",
            Ristbond = bitrate.Count == 0 ? null : Round(AdaptMetrics.SecondsUntil(bitrate, from, v => v < capacity)),
            Baseline = s.BaselineBitrateBps < capacity ? 0 : null,
        });
        goals.Add(new GoalResult("recommended bitrate below the new capacity within 1 s", Seconds(value), recommended.Count == 0 ? null : value <= 1));
    }

    static void ShareHalved(AdaptScenario s, SideRecord rb, SideRecord bl, List<MetricResult> metrics, List<GoalResult> goals)
    {
        string link = s.Subject!;
        double from = s.MetricFromSeconds;
        double? Halved(List<TimePoint> share, double hold) =>
            AdaptMetrics.Mean(share, from - 5, from) is double before ? Round(AdaptMetrics.SecondsUntil(share, from, v => v <= before / 2, hold)) : null;
        double? wire = Halved(rb.Wire.Share(link, ShareWindowSeconds), HoldSeconds);
        metrics.Add(new MetricResult
        {
            Name = "share_halved_s", Unit = "s", Source = "wire (0.5 s windows, held 1 s); stats: sent_bps",
            Definition = $"seconds from the loss at {Num(from)} s until link {link}'s share of the data packets sent ≤ half its mean share over the 5 s before",
            Ristbond = wire,
            Baseline = Halved(bl.Wire.Share(link, ShareWindowSeconds), HoldSeconds),
            HasStatsVariant = true,
            RistbondStats = rb.Stats is null ? null : Halved(rb.Stats.LinkShare(link, l => l.SentBps), 0),
        });
        goals.Add(new GoalResult($"link {link}'s share halves within 1 s", Seconds(wire), wire <= 1));
    }

    static void OutOfRotation(AdaptScenario s, SideRecord rb, SideRecord bl, List<MetricResult> metrics, List<GoalResult> goals)
    {
        string link = s.Subject!;
        double from = s.MetricFromSeconds;
        double? Out(WireTimeline wire) => Round(AdaptMetrics.SecondsUntil(wire.Share(link, OutWindowSeconds), from, v => v <= OutWireShare, HoldSeconds));
        double? wire = Out(rb.Wire);
        metrics.Add(new MetricResult
        {
            Name = "out_of_rotation_s", Unit = "s", Source = "wire (0.2 s windows, held 1 s); stats: state/weight",
            Definition = $"seconds from the blackout at {Num(from)} s until link {link} is out of rotation: on the wire ≤ {OutWireShare:P0} of the data packets sent; in the stats state dead or weight ≤ {OutWeightShare:P0} of all weights",
            Ristbond = wire,
            Baseline = Out(bl.Wire),
            HasStatsVariant = true,
            RistbondStats = rb.Stats is null ? null : Round(AdaptMetrics.SecondsUntil(rb.Stats.OutOfRotation(link, OutWeightShare), from, v => v >= 1)),
        });
        goals.Add(new GoalResult($"dead link {link} out within 0.5 s", Seconds(wire), wire <= 0.5));
    }

    static void Aggregation(AdaptScenario s, SideRecord rb, SideRecord bl, SideSummary rbSummary, List<MetricResult> metrics, List<GoalResult> goals)
    {
        double from = s.MetricFromSeconds, to = s.MetricEndSeconds, capacity = s.PayloadCapacityBps(from);
        double? Ratio(SideRecord r) => r.Wire.DeliveredBps(from, to, IssueGoals.LatencySeconds(r)) is double bps ? Math.Round(bps / capacity, 4) : null;
        double? ratio = Ratio(rb);
        metrics.Add(new MetricResult
        {
            Name = "aggregation_ratio", Unit = "ratio", Source = "receiver output (delivery times moved back by the mean latency)",
            Definition = $"TS bits/s delivered over {Num(from)}–{Num(to)} s ÷ {Units.FormatBitrate(capacity)} (Σ link rates × 1316/1364)",
            Ristbond = ratio,
            Baseline = Ratio(bl),
        });
        goals.Add(new GoalResult("aggregation ≥ 90% with zero unrecovered",
            string.Create(CultureInfo.InvariantCulture, $"{ratio:P1}, {rbSummary.Unrecovered} unrecovered"), ratio >= 0.9 && rbSummary.Unrecovered == 0));
    }

    static void Flapping(AdaptScenario s, SideRecord rb, SideRecord bl, List<MetricResult> metrics, List<GoalResult> goals)
    {
        string link = s.Subject!;
        double from = s.MetricFromSeconds, to = s.MetricEndSeconds;
        List<TimePoint> weights = [.. (rb.Stats?.LinkSeries(link, l => l.Weight) ?? []).Where(p => p.T >= from && p.T <= to + 2)];
        int? reversals = weights.Count == 0 ? null : AdaptMetrics.MaxInWindow(AdaptMetrics.ReversalTimes(weights, ReversalMinChange), ReversalWindowSeconds);
        metrics.Add(new MetricResult
        {
            Name = "max_reversals_per_5s", Unit = "count", Source = "stats (weights, once a second)",
            Definition = $"most reversals of link {link}'s weight in any 5 s between {Num(from)} and {Num(to + 2)} s (a reversal: the direction of a change of ≥ 5% flips)",
            Ristbond = reversals,
            Baseline = 0,
            Note = "baseline: static weights; a second's stats cannot show faster reversals",
        });
        double? MeanShare(SideRecord r) => Round(AdaptMetrics.Mean(r.Wire.Share(link, ShareWindowSeconds), from, to), 4);
        metrics.Add(new MetricResult
        {
            Name = "flapping_link_share", Unit = "ratio", Source = "wire (0.5 s windows)",
            Definition = $"link {link}'s mean share of the data packets sent while it flaps ({Num(from)}–{Num(to)} s)",
            Ristbond = MeanShare(rb),
            Baseline = MeanShare(bl),
        });
        goals.Add(new GoalResult("≤ 1 weight reversal per 5 s", reversals?.ToString(CultureInfo.InvariantCulture) ?? "n/a", reversals is null ? null : reversals <= 1));
    }

    static void Healed(AdaptScenario s, SideRecord rb, SideRecord bl, List<MetricResult> metrics, List<GoalResult> goals)
    {
        string link = s.Subject!;
        double from = s.MetricFromSeconds;
        double fair = s.RateAt(link, from + 0.001) / (double)s.Links.Sum(l => s.RateAt(l.Name, from + 0.001));
        double threshold = 0.8 * fair;
        double? Reached(List<TimePoint> share, double hold) => Round(AdaptMetrics.SecondsUntil(share, from, v => v >= threshold, hold));
        double? wire = Reached(rb.Wire.Share(link, ShareWindowSeconds), HoldSeconds);
        metrics.Add(new MetricResult
        {
            Name = "fair_share_s", Unit = "s", Source = "wire (0.5 s windows, held 1 s); stats: sent_bps",
            Definition = string.Create(CultureInfo.InvariantCulture,
                $"seconds from the heal at {Num(from)} s until link {link}'s share of the data packets sent ≥ 80% of its fair share ({fair:P1}, its capacity ÷ all capacity)"),
            Ristbond = wire,
            Baseline = Reached(bl.Wire.Share(link, ShareWindowSeconds), HoldSeconds),
            HasStatsVariant = true,
            RistbondStats = rb.Stats is null ? null : Reached(rb.Stats.LinkShare(link, l => l.SentBps), 0),
        });
        goals.Add(new GoalResult($"healed link {link} ≥ 80% of its fair share within 5 s", Seconds(wire), wire <= 5));
    }

    // ---- summaries -------------------------------------------------------------------------------------

    static SideSummary Summarize(AdaptScenario s, SideRecord r) => new()
    {
        Sender = r.Sender,
        DeliveredBps = Math.Round(r.DeliveredBytes * 8.0 / s.DurationSeconds),
        DeliveredBytes = r.DeliveredBytes,
        DataPackets = r.Capture.DataPackets,
        MissingTsPackets = r.Capture.Missing,
        ReceiverLost = r.ReceiverLost,
        ReceiverLostDiscarded = r.ReceiverLostDiscarded,
        ReceiverRecovered = r.ReceiverRecovered,
        Unrecovered = r.Capture.Missing + r.ReceiverLost,
        OutOfOrder = r.Capture.OutOfOrder,
        Corrupt = r.Capture.Corrupt,
        ContinuityErrors = r.Capture.ContinuityErrors,
        LatencyMeanMs = Math.Round(r.Capture.LatencyMeanMs, 1),
        LatencyMaxMs = Math.Round(r.Capture.LatencyMaxMs, 1),
        EmulatorDroppedOther = r.Wire.DroppedOther,
        SenderExitCode = r.SenderExitCode,
        Video = r.Video,
        FramesSent = r.FramesSent,
        Decode = r.Decode,
    };

    static ScenarioSettings Settings(AdaptScenario s) => new()
    {
        DurationS = s.DurationSeconds,
        Links = [.. s.Links.Select(l => new LinkSetting(l.Name, l.RateBps, l.DelayMs) { Trace = l.Trace?.Name })],
        // A trace's rate changes are its file, not a list of hundreds of events.
        Events = [.. s.Events.Where(e => s.Links.First(l => l.Name == e.Link).Trace is null).Select(e => new EventSetting(e.AtSeconds, e.Link, AdaptScenario.Describe(e)))],
        RistbondStartBitrateBps = s.StartBitrateBps,
        RistbondMinBitrateBps = s.MinBitrateBps,
        RistbondMaxBitrateBps = s.MaxBitrateBps,
        BaselineBitrateBps = s.BaselineBitrateBps,
        BaselineRationale = s.BaselineRationale,
        ReceiverBufferMs = AdaptScenario.ReceiverBufferMs,
        ReorderBufferMs = s.ReorderBufferMs,
        ReceiverRttMinMs = s.ReceiverRttMinMs,
        PayloadFactor = Math.Round(AdaptScenario.PayloadFactor, 5),
        Seed = s.Seed,
    };

    static double? Round(double? value, int digits = 3) => value is double v ? Math.Round(v, digits) : null;

    static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Seconds(double? value) => value is double v ? v.ToString("0.00 's'", CultureInfo.InvariantCulture) : "never";
}
