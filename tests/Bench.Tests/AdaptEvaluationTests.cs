using System.Text.Json;
using Ristbond.Bench.Adapt;
using Ristbond.Bench.Adapt.Video;

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
        Assert.True(r.Goals[0].Met, r.Goals[0].Goal);
        Assert.True(r.Goals[^1].Met, r.Goals[^1].Goal);
        Assert.Null(r.Broken);
    }

    [Fact]
    public void The_recommendations_cut_is_judged_against_the_capacity_the_blackout_took()
    {
        AdaptReport r = Report();
        // 12 → 10 Mbps (a 17% cut) when a third of the capacity went dark: half as deep as its cause.
        Assert.Equal(0.5, r.Metrics.Single(x => x.Name == "worst_cut_to_cause").Ristbond!.Value, 2);
        Assert.Equal(0, r.Metrics.Single(x => x.Name == "cuts_without_cause").Ristbond);
        Assert.Equal(0, r.Metrics.Single(x => x.Name == "deep_cuts_recommended").Ristbond);
        Assert.True(r.Goals.Single(g => g.Goal.StartsWith("no bitrate cut", StringComparison.Ordinal)).Met);
        // Even counters, 100 ms apart: every link sees its mean rate in every interval.
        Assert.Equal(1.0, r.Metrics.Single(x => x.Name == "link_burstiness").Baseline!.Value, 2);
        MetricResult delivered = r.Metrics.Single(x => x.Name == "delivered_of_capacity");
        Assert.NotNull(delivered.Ristbond);
        Assert.DoesNotContain(r.Metrics, m => m.Name == "frames_delivered");
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

    [Fact]
    public void A_step_down_reports_the_recoverys_time_and_the_weak_links_largest_share()
    {
        // The same timelines read as a step-down of link a to nothing at 4 s (a blackout is a step to 0 here).
        AdaptScenario step = AdaptCatalog.BlackoutShort with { Kind = AdaptKind.StepDown };
        AdaptReport r = AdaptEvaluation.Evaluate(step, SyntheticRun.Ristbond(), SyntheticRun.Baseline(), "parallel");
        // Under the new capacity (2 × 6 Mbps × 1316/1364) with the first dark line at 5.3 s, and 10 Mbps ≥ 85% of it at once.
        Assert.Equal(1.3, r.Metrics.Single(x => x.Name == "recommended_back_85pct_s").Ristbond!.Value, 6);
        // Link a is back at a third from 7 s: its largest share from 5 s on.
        Assert.Equal(1 / 3.0, r.Metrics.Single(x => x.Name == "weak_link_peak_share").Ristbond!.Value, 3);
        Assert.False(r.Goals.Single(g => g.Goal.StartsWith("weak link a", StringComparison.Ordinal)).Met);
    }

    [Fact]
    public void Video_runs_count_frames_made_delivered_and_decoded()
    {
        SideRecord ristbond = SyntheticRun.Ristbond() with
        {
            Video = new VideoFindings(240, 4, 0, 0, 0, 50_000), FramesSent = 240, Decode = new DecodeResult(240, 0, null),
        };
        SideRecord baseline = SyntheticRun.Baseline() with
        {
            Video = new VideoFindings(230, 4, 10, 6, 12, 48_000), FramesSent = 240, Decode = new DecodeResult(228, 3, "[hevc] Could not find ref with POC 7"),
        };
        AdaptReport r = AdaptEvaluation.Evaluate(SyntheticRun.Scenario, ristbond, baseline, "parallel");
        Assert.Equal((240.0, 230.0), (r.Metrics.Single(x => x.Name == "frames_delivered").Ristbond!.Value, r.Metrics.Single(x => x.Name == "frames_delivered").Baseline!.Value));
        Assert.Equal(3, r.Metrics.Single(x => x.Name == "decode_errors").Baseline);
        Assert.True(r.Goals.Single(g => g.Goal.StartsWith("every frame", StringComparison.Ordinal)).Met);
        SideRecord broken = ristbond with { Decode = new DecodeResult(239, 1, "[hevc] error while decoding MB 3 4") };
        AdaptReport bad = AdaptEvaluation.Evaluate(SyntheticRun.Scenario, broken, baseline, "parallel");
        GoalResult frames = bad.Goals.Single(g => g.Goal.StartsWith("every frame", StringComparison.Ordinal));
        Assert.False(frames.Met);
        Assert.Contains("error while decoding", frames.Value, StringComparison.Ordinal);
    }
}
