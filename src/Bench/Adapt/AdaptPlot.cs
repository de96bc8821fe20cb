using System.Globalization;
using Ristbond.LinkEmulator;
using Ristbond.Platform;
using Units = Ristbond.Platform.Units;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// The figure of one scenario: ristbond's per-link throughput, weight share and RTT (from its stats), its source
/// and recommended bitrate against what both sides delivered, with the scenario's events marked.
/// </summary>
public static class AdaptPlot
{
    static readonly string[] s_linkColors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"];
    const string BaselineColor = "#555555";
    const double DeliveredWindowSeconds = 1.0;

    public static string Render(AdaptScenario s, SideRecord ristbond, SideRecord baseline, string mode)
    {
        string subtitle = string.Create(CultureInfo.InvariantCulture,
            $"{s.Description}. ristbond: start {Units.FormatBitrate(s.StartBitrateBps)}, {Units.FormatBitrate(s.MinBitrateBps)}–{Units.FormatBitrate(s.MaxBitrateBps)}; baseline: ristsender, equal weights, fixed {Units.FormatBitrate(s.BaselineBitrateBps)}; {mode}.");
        var plot = new SvgPlot($"ristbond bench adapt: {s.Name}", subtitle, s.DurationSeconds + 2);
        StatsTimeline stats = ristbond.Stats ?? new StatsTimeline([]);
        IReadOnlyList<string> links = [.. s.Links.Select(l => l.Name)];

        SvgPlot.Panel throughput = plot.AddPanel("ristbond: sent per link (sent_bps; dashed: the link's rate)", "Mbit/s");
        throughput.Scale = 1e6;
        SvgPlot.Panel share = plot.AddPanel("ristbond: weight share per link", "% of all weights");
        share.YMax = 100;
        SvgPlot.Panel rtt = plot.AddPanel("ristbond: RTT per link (rtt_ms)", "ms");
        SvgPlot.Panel bitrate = plot.AddPanel("bitrate (delivered: 1 s windows, moved back by the receiver's latency)", "Mbit/s", 200);
        bitrate.Scale = 1e6;

        for (int i = 0; i < links.Count; i++)
        {
            string link = links[i], color = s_linkColors[i % s_linkColors.Length];
            throughput.Add($"{link}", color, stats.LinkSeries(link, l => l.SentBps));
            throughput.Add($"{link} rate", color, RateSteps(s, link), dashed: true, width: 1);
            share.Add(link, color, [.. stats.LinkShare(link, l => l.Weight).Select(p => p with { Value = p.Value * 100 })]);
            rtt.Add(link, color, stats.LinkSeries(link, l => l.RttMs));
        }

        bitrate.Add("capacity (Σ rates × 1316/1364)", "#bbbbbb", CapacitySteps(s), dashed: true, width: 1.2);
        bitrate.Add("ristbond source", "#1f77b4", stats.Series(x => x.BitrateBps));
        bitrate.Add("ristbond recommended", "#d62728", stats.Recommended(), dashed: true);
        bitrate.Add("ristbond encoder", "#9467bd", stats.Series(x => x.EncoderBitrateBps));
        bitrate.Add("ristbond delivered", "#17becf", ristbond.Wire.DeliveredBps(DeliveredWindowSeconds, IssueGoals.LatencySeconds(ristbond)));
        bitrate.Add("baseline delivered", BaselineColor, baseline.Wire.DeliveredBps(DeliveredWindowSeconds, IssueGoals.LatencySeconds(baseline)));

        foreach (ScenarioEvent e in s.Events)
        {
            string label = string.Create(CultureInfo.InvariantCulture, $"{e.AtSeconds:0.#} s: {AdaptScenario.Describe(e)}");
            if (e.BlackoutSeconds is double b)
                plot.AddSpan(e.AtSeconds, e.AtSeconds + b, label);
            // A trace's hundreds of rate steps are in its dashed rate line, not markers.
            if (s.Links.First(l => l.Name == e.Link).Trace is null)
                plot.AddMarker(e.AtSeconds, label);
        }
        return plot.Render();
    }

    /// <summary>A link's configured rate as a step line over the run.</summary>
    static List<TimePoint> RateSteps(AdaptScenario s, string link) => Steps(s, t => s.RateAt(link, t));

    static List<TimePoint> CapacitySteps(AdaptScenario s) => Steps(s, s.PayloadCapacityBps);

    static List<TimePoint> Steps(AdaptScenario s, Func<double, double> value)
    {
        var changes = new SortedSet<double> { 0, s.DurationSeconds };
        foreach (ScenarioEvent e in s.Events)
        {
            changes.Add(e.AtSeconds);
            if (e.BlackoutSeconds is double b)
                changes.Add(e.AtSeconds + b);
        }
        var points = new List<TimePoint>();
        double? last = null;
        foreach (double t in changes)
        {
            double v = value(t);
            if (last is double previous && previous != v)
                points.Add(new TimePoint(t, previous));
            points.Add(new TimePoint(t, v));
            last = v;
        }
        return points;
    }
}
