using System.Text.Json;
using Ristbond.Bench.Adapt;

namespace Ristbond.Bench.Tests;

/// <summary>Metrics, goals and the JSON summary from recorded timelines.</summary>
public sealed class AdaptEvaluationTests
{
    static AdaptReport Report() => AdaptEvaluation.Evaluate(SyntheticRun.Scenario, SyntheticRun.Ristbond(), SyntheticRun.Baseline(), "parallel");

    [Fact]
    public void A_blackout_run_measures_the_time_out_of_rotation_on_the_wire_and_in_the_stats()
    {
        AdaptReport r = Report();
        MetricResult m = r.Metrics.Single(x => x.Name == "out_of_rotation_s");
        // Wire: the first 0.2 s window wholly after 4.3 s is centred at 4.4 s.
        Assert.InRange(m.Ristbond!.Value, 0.35, 0.45);
        Assert.Null(m.Baseline);
        // Stats: the first line after the blackout that shows a dead arrived at 5.3 s.
        Assert.Equal(1.3, m.RistbondStats!.Value, 6);
        Assert.Equal([true, true], r.Goals.Select(g => g.Met));
        Assert.Null(r.Broken);
    }

    [Fact]
    public void Goodput_and_unrecovered_for_both_sides()
    {
        AdaptReport r = Report();
        Assert.Equal(10_000_000 * 8 / 8.0, r.Ristbond.DeliveredBps);
        Assert.Equal(0, r.Ristbond.Unrecovered);
        Assert.Equal(60, r.Baseline.Unrecovered);
        Assert.Equal((50, 10), (r.Baseline.MissingTsPackets, r.Baseline.ReceiverLost));
        MetricResult goodput = r.Metrics.Single(x => x.Name == "goodput_bps");
        Assert.Equal((10_000_000.0, 9_000_000.0), (goodput.Ristbond!.Value, goodput.Baseline!.Value));
    }

    [Fact]
    public void A_side_that_delivered_nothing_breaks_the_run()
    {
        AdaptReport r = AdaptEvaluation.Evaluate(SyntheticRun.Scenario, SyntheticRun.Ristbond(), SyntheticRun.Baseline() with { DeliveredBytes = 0 }, "parallel");
        Assert.Equal("the baseline side delivered nothing", r.Broken);
        Assert.Equal("ristbond exited with code 3", AdaptEvaluation.Evaluate(SyntheticRun.Scenario,
            SyntheticRun.Ristbond() with { Problem = "ristbond exited with code 3" }, SyntheticRun.Baseline(), "parallel").Broken);
    }

    [Fact]
    public void Healed_counts_from_the_heal_to_eighty_percent_of_the_fair_share()
    {
        // The same timelines read as "healed" with link a: it is back at a third from 7.0 s (heal at 7 s).
        AdaptScenario healed = AdaptCatalog.BlackoutShort with { Kind = AdaptKind.Healed, MetricFromSeconds = 7 };
        AdaptReport r = AdaptEvaluation.Evaluate(healed, SyntheticRun.Ristbond(), SyntheticRun.Baseline(), "parallel");
        MetricResult m = r.Metrics.Single(x => x.Name == "fair_share_s");
        Assert.InRange(m.Ristbond!.Value, 0.1, 0.5);
        Assert.InRange(m.Baseline!.Value, 0, 0.1);
    }

    [Fact]
    public void The_json_summary_is_snake_case_and_complete()
    {
        string json = JsonSerializer.Serialize(Report(), AdaptJsonContext.Default.AdaptReport);
        using var doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        Assert.Equal("blackout-short", root.GetProperty("scenario").GetString());
        Assert.Equal(13_000_000, root.GetProperty("settings").GetProperty("baseline_bitrate_bps").GetInt64());
        Assert.Equal(0, root.GetProperty("ristbond").GetProperty("unrecovered").GetInt64());
        Assert.Contains(root.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("name").GetString() == "out_of_rotation_s");
        Assert.Equal(111, root.GetProperty("timelines").GetProperty("baseline_wire").GetProperty("t").GetArrayLength());
        Assert.False(root.GetProperty("metrics")[0].TryGetProperty("has_stats_variant", out _));

        string summaries = AdaptBench.SummariesJson([Report()]);
        using var array = JsonDocument.Parse(summaries);
        Assert.False(array.RootElement[0].TryGetProperty("timelines", out _));
    }
}
