using System.Globalization;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// The figures of issue 13's goals, for every scenario on either back-end and input: delivery against the links'
/// capacity, bitrate cuts against the capacity change that caused them, the bitrate's variation over steady
/// windows, the step-down's recovery and the weak link's share, the burstiness the links see, and, for video,
/// frames delivered and decoded. Metrics are printed and written; goals say met or not, they never fail a run.
/// </summary>
public static class IssueGoals
{
    /// <summary>Steady windows starting this early still hold the start-up (links probing, the first ramp).</summary>
    const double StartupSeconds = 5;
    /// <summary>The step-down's "back at ≥ 85% of the new capacity".</summary>
    const double RecoveredShare = 0.85;
    /// <summary>Windows of the weak link's share: a second, so one round of librist's scheduler does not count as a share.</summary>
    const double WeakShareWindowSeconds = 1;
    /// <summary>The weak link's share counts from this long after the step: the controller's second to react (its own goal).</summary>
    const double WeakShareGraceSeconds = 1;
    /// <summary>Burstiness skips the first second: links connect and probe.</summary>
    const double BurstinessFromSeconds = 1;

    public static void Add(AdaptScenario s, SideRecord rb, SideRecord bl, List<MetricResult> metrics, List<GoalResult> goals)
    {
        if (s.Kind != AdaptKind.Aggregation)
            Delivery(s, rb, bl, metrics, goals);
        Cuts(s, rb, metrics, goals);
        Steadiness(s, rb, metrics, goals);
        if (s.Kind == AdaptKind.StepDown)
            StepRecovery(s, rb, bl, metrics, goals);
        Burstiness(s, rb, bl, metrics);
        if (rb.Video is not null || bl.Video is not null)
            VideoFrames(rb, bl, metrics, goals);
    }

    /// <summary>The delay from send to delivery: the test stream carries its send time; video is taken at the receiver's buffer.</summary>
    public static double LatencySeconds(SideRecord r) =>
        r.Capture.DataPackets > 0 ? r.Capture.LatencyMeanMs / 1000 : AdaptScenario.ReceiverBufferMs / 1000.0;

    static void Delivery(AdaptScenario s, SideRecord rb, SideRecord bl, List<MetricResult> metrics, List<GoalResult> goals)
    {
        (double from, double to) = s.DeliveryWindow;
        double capacity = GoalFigures.MeanCapacity(s.PayloadCapacityBps, from, to);
        double? Ratio(SideRecord r) => capacity > 0 && r.Wire.DeliveredBps(from, to, LatencySeconds(r)) is double bps ? Math.Round(bps / capacity, 4) : null;
        double? ratio = Ratio(rb);
        metrics.Add(new MetricResult
        {
            Name = "delivered_of_capacity", Unit = "ratio", Source = "receiver output (delivery times moved back by the latency)",
            Definition = $"TS bits/s delivered over {Num(from)}–{Num(to)} s ÷ the links' mean capacity then ({Units.FormatBitrate(capacity)}: Σ rates × 1316/1364, integrated{(s.Kind == AdaptKind.Trace ? " over the traces" : "")})",
            Ristbond = ratio,
            Baseline = Ratio(bl),
        });
        if (s.CapacityGoal is double goal)
        {
            long unrecovered = rb.Capture.Missing + rb.ReceiverLost;
            goals.Add(new GoalResult(string.Create(CultureInfo.InvariantCulture, $"delivered ≥ {goal * 100:0}% of the links' capacity, zero unrecovered"),
                string.Create(CultureInfo.InvariantCulture, $"{ratio:0.0%}, {unrecovered} unrecovered"), ratio is null ? null : ratio >= goal && unrecovered == 0));
        }
    }

    static void Cuts(AdaptScenario s, SideRecord rb, List<MetricResult> metrics, List<GoalResult> goals)
    {
        List<TimePoint> recommended = rb.Stats?.Recommended() ?? [];
        List<TimePoint> encoder = EncoderSeries(rb);
        List<BitrateCut> cuts = GoalFigures.Cuts(recommended, s.PayloadCapacityBps), encoderCuts = GoalFigures.Cuts(encoder, s.PayloadCapacityBps);
        string window = string.Create(CultureInfo.InvariantCulture, $"{GoalFigures.DeepCut:P0} within {GoalFigures.CutWindowSeconds:0} s of a peak");
        metrics.Add(Count("deep_cuts_recommended", $"drops of recommended_bitrate_bps deeper than {window}", cuts.Count(c => c.Depth > GoalFigures.DeepCut), recommended.Count > 0));
        metrics.Add(Count("deep_cuts_encoder", $"drops of the encoder's bitrate (encoder.bitrate_bps, else the source's bitrate_bps) deeper than {window}",
            encoderCuts.Count(c => c.Depth > GoalFigures.DeepCut), encoder.Count > 0));
        double[] ratios = [.. cuts.Where(c => c.CapacityChange > GoalFigures.NoCauseBelow).Select(c => c.DepthToCause)];
        int causeless = cuts.Count(c => c.CapacityChange <= GoalFigures.NoCauseBelow);
        metrics.Add(new MetricResult
        {
            Name = "worst_cut_to_cause", Unit = "x", Source = "stats lines and their events; the scenario's capacity",
            Definition = string.Create(CultureInfo.InvariantCulture,
                $"largest depth of a recommendation cut (≥ {GoalFigures.MinCut:P0}) ÷ the links' capacity fall from {GoalFigures.CauseLeadSeconds:0} s before it to its trough (1 = as deep as its cause)"),
            Ristbond = ratios.Length == 0 ? null : Math.Round(ratios.Max(), 3),
            Note = "null: no cut with a cause",
        });
        metrics.Add(Count("cuts_without_cause", string.Create(CultureInfo.InvariantCulture,
            $"recommendation cuts (≥ {GoalFigures.MinCut:P0}) while the links' capacity fell by less than {GoalFigures.NoCauseBelow:P0}"), causeless, recommended.Count > 0));
        bool? met = recommended.Count == 0 ? null : causeless == 0 && ratios.All(r => r <= 1);
        goals.Add(new GoalResult("no bitrate cut deeper than the capacity change that caused it",
            string.Create(CultureInfo.InvariantCulture, $"{cuts.Count} cuts, {(ratios.Length == 0 ? "none with a cause" : $"worst ×{ratios.Max():0.00} its cause")}, {causeless} without cause"), met));
    }

    static void Steadiness(AdaptScenario s, SideRecord rb, List<MetricResult> metrics, List<GoalResult> goals)
    {
        var windows = GoalFigures.SteadyWindows(s.ChangeTimes, s.DurationSeconds).Where(w => w.From >= StartupSeconds).ToList();
        if (windows.Count == 0)
            return;
        List<TimePoint> encoder = EncoderSeries(rb);
        double?[] cvs = [.. windows.Select(w => GoalFigures.CoefficientOfVariation(encoder, w.From, w.To))];
        double? worst = cvs.All(c => c is null) ? null : Math.Round(cvs.Max()!.Value, 4);
        metrics.Add(new MetricResult
        {
            Name = "encoder_bitrate_cv", Unit = "ratio", Source = "stats lines (once a second)",
            Definition = $"standard deviation ÷ mean of the encoder's bitrate over {string.Join(", ", windows.Select(w => $"{Num(w.From)}–{Num(w.To)} s"))} (30 s without a capacity change); the worst",
            Ristbond = worst,
            Baseline = 0,
            Note = "baseline: fixed bitrate",
        });
        goals.Add(new GoalResult("encoder bitrate's CV ≤ 10% over a steady 30 s", worst is double w ? w.ToString("0.0%", CultureInfo.InvariantCulture) : "n/a", worst is null ? null : worst <= 0.10));
    }

    static void StepRecovery(AdaptScenario s, SideRecord rb, SideRecord bl, List<MetricResult> metrics, List<GoalResult> goals)
    {
        double from = s.MetricFromSeconds, capacity = s.PayloadCapacityBps(from + 0.001);
        List<TimePoint> recommended = rb.Stats?.Recommended() ?? [];
        double? back = AdaptMetrics.FirstTimeHolding(recommended, from, v => v < capacity) is double under
            && AdaptMetrics.FirstTimeHolding(recommended, under, v => v >= RecoveredShare * capacity) is double t ? Math.Round(t - from, 3) : null;
        metrics.Add(new MetricResult
        {
            Name = "recommended_back_85pct_s", Unit = "s", Source = "stats lines and their events",
            Definition = string.Create(CultureInfo.InvariantCulture,
                $"seconds from the step at {Num(from)} s until recommended_bitrate_bps, once under {Units.FormatBitrate(capacity)}, is back at ≥ {RecoveredShare:P0} of it"),
            Ristbond = back,
        });
        goals.Add(new GoalResult($"recommendation back at ≥ 85% of the new capacity within 5 s", AdaptEvaluation.Seconds(back), recommended.Count == 0 ? null : back <= 5));

        string link = s.Subject!;
        double fair = s.RateAt(link, from + 0.001) / (double)s.Links.Sum(l => s.RateAt(l.Name, from + 0.001));
        double? Peak(SideRecord r) => r.Wire.Share(link, WeakShareWindowSeconds).Where(p => p.T - WeakShareWindowSeconds / 2 >= from + WeakShareGraceSeconds && p.T <= s.DurationSeconds)
            .Select(p => (double?)p.Value).Max() is double v ? Math.Round(v, 4) : null;
        double? peak = Peak(rb);
        metrics.Add(new MetricResult
        {
            Name = "weak_link_peak_share", Unit = "ratio", Source = "wire (1 s windows)",
            Definition = string.Create(CultureInfo.InvariantCulture,
                $"link {link}'s largest share of the data packets sent in any 1 s from {Num(from + WeakShareGraceSeconds)} s (its capacity's share: {fair:0.0%})"),
            Ristbond = peak,
            Baseline = Peak(bl),
        });
        goals.Add(new GoalResult(string.Create(CultureInfo.InvariantCulture, $"weak link {link} never carries more than its capacity's share ({fair:0.0%})"),
            peak is double p ? p.ToString("0.0%", CultureInfo.InvariantCulture) : "n/a", peak is null ? null : peak <= fair * 1.05));
    }

    static void Burstiness(AdaptScenario s, SideRecord rb, SideRecord bl, List<MetricResult> metrics)
    {
        var windows = GoalFigures.SteadyWindows(s.ChangeTimes, s.DurationSeconds).Where(w => w.From >= StartupSeconds).ToList();
        double? Worst(SideRecord r, IEnumerable<(double From, double To)> spans) =>
            Enumerable.Range(0, r.Wire.LinkNames.Count).SelectMany(i => spans.Select(w => GoalFigures.Burstiness(r.Wire.Times, r.Wire.BytesIn[i], w.From, w.To)))
                .Max() is double v ? Math.Round(v, 2) : null;
        (double, double)[] run = [(BurstinessFromSeconds, s.DurationSeconds)];
        metrics.Add(new MetricResult
        {
            Name = "link_burstiness", Unit = "x", Source = "wire (100 ms samples of what the sender offered each link)",
            Definition = $"the largest, over the links, of a link's peak 100 ms rate ÷ its mean rate over {Num(BurstinessFromSeconds)}–{Num(s.DurationSeconds)} s",
            Ristbond = Worst(rb, run),
            Baseline = Worst(bl, run),
            Note = "per link: " + string.Join(", ", PerLink(rb, run)),
        });
        if (windows.Count > 0)
        {
            metrics.Add(new MetricResult
            {
                Name = "link_burstiness_steady", Unit = "x", Source = "wire (100 ms samples)",
                Definition = $"the same over the steady windows ({string.Join(", ", windows.Select(w => $"{Num(w.From)}–{Num(w.To)} s"))})",
                Ristbond = Worst(rb, windows),
                Baseline = Worst(bl, windows),
            });
        }
    }

    static IEnumerable<string> PerLink(SideRecord r, (double From, double To)[] spans) =>
        r.Wire.LinkNames.Select((name, i) => GoalFigures.Burstiness(r.Wire.Times, r.Wire.BytesIn[i], spans[0].From, spans[0].To) is double b
            ? string.Create(CultureInfo.InvariantCulture, $"{name} {b:0.00}") : $"{name} —");

    static void VideoFrames(SideRecord rb, SideRecord bl, List<MetricResult> metrics, List<GoalResult> goals)
    {
        MetricResult Frames(string name, string definition, Func<SideRecord, double?> value) => new()
        {
            Name = name, Unit = "count", Source = "video verifier, ffmpeg", Definition = definition, Ristbond = value(rb), Baseline = value(bl),
        };
        metrics.Add(Frames("frames_sent", "frames the encoder made (ristbond: the stats' last encoder.frames; baseline: frames its clip player sent)", r => r.FramesSent));
        metrics.Add(Frames("frames_delivered", "video PES packets at the receiver's output", r => r.Video?.Frames));
        metrics.Add(Frames("frames_skipped_by_encoder", "frames the encoder dropped for falling behind real time (the stats' encoder.skipped_frames): gaps in the PTS that no link made",
            r => r.Kind == SideKind.Ristbond ? r.Stats?.Samples.Max(x => x.EncoderSkippedFrames) : 0));
        metrics.Add(Frames("missing_frames", "frames the delivered PTS skipped (those the encoder skipped included)", r => r.Video?.MissingFrames));
        metrics.Add(Frames("video_cc_errors", "continuity-counter breaks at the receiver's output (any PID)", r => r.Video?.ContinuityErrors));
        metrics.Add(Frames("frames_decoded", "frames ffmpeg decoded from the recording", r => r.Decode?.FramesDecoded));
        metrics.Add(Frames("decode_errors", "lines ffmpeg -v error printed decoding the recording", r => r.Decode?.Errors));
        // Frames the encoder made are counted once a second: every one of them must arrive, continuous, and decode.
        bool? met = rb.Decode is null || rb.Video is null ? null
            : rb.Decode.Errors == 0 && rb.Video.ContinuityErrors == 0 && rb.Video.Frames >= (rb.FramesSent ?? 0) && rb.Decode.FramesDecoded >= rb.Video.Frames;
        goals.Add(new GoalResult("every frame the encoder made arrives and decodes (no CC error, no ffmpeg error)",
            $"{rb.Decode?.FramesDecoded} decoded of {rb.Video?.Frames} delivered of {rb.FramesSent} made, {rb.Video?.ContinuityErrors} CC, {rb.Decode?.Errors} errors" +
            (rb.Decode?.FirstError is string e ? $" (first: {e})" : ""), met));
    }

    /// <summary>The encoder's bitrate: <c>encoder.bitrate_bps</c> when ristbond encodes, else the test source's <c>bitrate_bps</c>.</summary>
    static List<TimePoint> EncoderSeries(SideRecord rb) =>
        rb.Stats is null ? [] : rb.Stats.Reports(x => x.EncoderBitrateBps) ? rb.Stats.Series(x => x.EncoderBitrateBps) : rb.Stats.Series(x => x.BitrateBps);

    static MetricResult Count(string name, string definition, int value, bool measured) => new()
    {
        Name = name, Unit = "count", Source = "stats lines and their events", Definition = definition, Ristbond = measured ? value : null, Baseline = 0,
        Note = "baseline: fixed bitrate",
    };

    static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
