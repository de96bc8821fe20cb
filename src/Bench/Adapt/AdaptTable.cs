using System.Globalization;
using System.Text;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

/// <summary>The human face of the adaptation bench: one block per scenario, and a summary over all of them.</summary>
public static class AdaptTable
{
    public static string Scenario(AdaptReport r)
    {
        var text = new StringBuilder();
        ScenarioSettings s = r.Settings;
        text.AppendLine(F($"{r.Scenario}: {r.Description}"));
        text.AppendLine(F($"  {s.DurationS:0} s, {r.Mode}, {r.Links} links, {r.Input}; baseline: ristsender, equal weights, {Units.FormatBitrate(s.BaselineBitrateBps)} fixed; ristbond: start {Units.FormatBitrate(s.RistbondStartBitrateBps)}, {Units.FormatBitrate(s.RistbondMinBitrateBps)}–{Units.FormatBitrate(s.RistbondMaxBitrateBps)}; receivers: buffer {s.ReceiverBufferMs} ms, reorder-buffer {s.ReorderBufferMs} ms, rtt-min {s.ReceiverRttMinMs} ms"));
        if (r.LinkLimitations is not null)
            text.AppendLine($"  links: {r.LinkLimitations}");
        if (r.Broken is not null)
            text.AppendLine($"  RUN BROKE: {r.Broken}");
        text.AppendLine(F($"  {"",-30} {"ristbond",14} {"baseline",14}   {"ristbond (stats)",16}"));
        foreach (MetricResult m in r.Metrics)
        {
            string stats = m.HasStatsVariant ? Value(m, m.RistbondStats) : "";
            text.AppendLine(F($"  {m.Name,-30} {Value(m, m.Ristbond),14} {Value(m, m.Baseline),14}   {stats,16}"));
            if (m.Name == "unrecovered")
            {
                text.AppendLine(F($"  {"  missing TS / receiver lost",-30} {$"{r.Ristbond.MissingTsPackets} / {r.Ristbond.ReceiverLost}",14} {$"{r.Baseline.MissingTsPackets} / {r.Baseline.ReceiverLost}",14}"));
            }
        }
        foreach (GoalResult g in r.Goals)
            text.AppendLine(F($"  {Verdict(g.Met),-4}  {g.Goal} ({g.Value})"));
        return text.ToString();
    }

    public static string Summary(IReadOnlyList<AdaptReport> reports)
    {
        var text = new StringBuilder();
        text.AppendLine(F($"{"scenario (links, input)",-36} {"goodput ristbond / baseline",-29} {"unrecovered rb / base",-22} {"metric",-28} {"ristbond",10} {"baseline",10}  goal"));
        foreach (AdaptReport r in reports)
        {
            MetricResult? m = r.Metrics.Skip(2).FirstOrDefault();
            GoalResult? own = r.Goals.Count > 1 ? r.Goals[0] : null;
            GoalResult fewer = r.Goals[^1];
            string goodput = $"{Units.FormatBitrate(r.Ristbond.DeliveredBps)} / {Units.FormatBitrate(r.Baseline.DeliveredBps)}";
            string unrecovered = $"{r.Ristbond.Unrecovered} / {r.Baseline.Unrecovered} {Verdict(fewer.Met)}";
            string name = $"{r.Scenario} ({r.Links}, {r.Input})";
            text.AppendLine(F($"{name,-36} {goodput,-29} {unrecovered,-22} {m?.Name ?? "",-28} {(m is null ? "" : Value(m, m.Ristbond)),10} {(m is null ? "" : Value(m, m.Baseline)),10}  {(own is null ? "" : Verdict(own.Met))}{(r.Broken is null ? "" : "  (run broke)")}"));
        }
        return text.ToString();
    }

    static string Verdict(bool? met) => met switch { true => "PASS", false => "FAIL", null => "n/a" };

    public static string Value(MetricResult m, double? value) => value is not double v ? (m.Unit == "s" ? "never" : "—") : m.Unit switch
    {
        "s" => AdaptEvaluation.Seconds(v),
        "bit/s" => Units.FormatBitrate(v),
        "ratio" => v.ToString("0.0%", CultureInfo.InvariantCulture),
        "x" => v.ToString("×0.00", CultureInfo.InvariantCulture),
        _ => v.ToString("#,0.##", CultureInfo.InvariantCulture),
    };

    static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
