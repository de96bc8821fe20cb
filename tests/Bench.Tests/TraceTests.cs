using Ristbond.Bench.Adapt;
using Ristbond.Bench.Adapt.Traces;
using Ristbond.Platform;

namespace Ristbond.Bench.Tests;

/// <summary>The trace format, the shipped traces and scenarios whose links follow them.</summary>
public sealed class TraceTests
{
    [Fact]
    public void A_trace_is_an_interval_and_one_rate_per_line_in_kbit_per_second()
    {
        CapacityTrace trace = CapacityTrace.Parse("# made by hand\ninterval_ms 250\n4000\n\n0\n1500\n", "t");
        Assert.Equal(0.25, trace.IntervalSeconds);
        Assert.Equal([4_000_000L, 0, 1_500_000], trace.RatesBps);
        Assert.Equal(0.75, trace.DurationSeconds, 9);
        Assert.Equal(1_500_000, trace.RateAt(0.6));
        Assert.Equal(1_500_000, trace.RateAt(5));
    }

    [Theory]
    [InlineData("4000\n", "trace t: line 1: a rate before the interval_ms line")]
    [InlineData("interval_ms 500\n4M\n", "trace t: line 2: \"4M\" is not a rate in kbit/s (a whole number ≥ 0)")]
    [InlineData("interval_ms 5\n1\n", "trace t: line 1: \"interval_ms 5\": expected interval_ms and a number of milliseconds ≥ 10")]
    [InlineData("# nothing\n", "trace t: no interval_ms line or no rates")]
    public void A_bad_trace_is_one_line_naming_the_line(string text, string message) =>
        Assert.Equal(message, Assert.Throws<RistbondException>(() => CapacityTrace.Parse(text, "t")).Message);

    [Fact]
    public void Every_shipped_trace_is_what_its_model_and_seed_make()
    {
        string directory = Path.Combine(RepositoryRoot(), "src", "Bench", "Adapt", "Traces");
        Assert.Equal(TraceSynth.Shipped.Select(m => m.Name).Order(), CapacityTrace.ShippedNames);
        foreach (TraceModel model in TraceSynth.Shipped)
        {
            Assert.Equal(TraceSynth.FileText(model), File.ReadAllText(Path.Combine(directory, model.Name + CapacityTrace.Extension)));
            CapacityTrace trace = CapacityTrace.Shipped(model.Name);
            Assert.Equal(180, trace.RatesBps.Count);
            // The mean holds within 10% of the model's; the outage model is the only one with zeros.
            Assert.InRange(trace.MeanBps, model.MeanBps * 0.9, model.MeanBps * 1.1);
            Assert.Equal(model.Outages > 0, trace.RatesBps.Contains(0));
        }
    }

    [Fact]
    public void The_same_model_and_seed_make_the_same_trace_and_another_seed_another()
    {
        TraceModel model = TraceSynth.Shipped[0];
        Assert.Equal(TraceSynth.Make(model).RatesBps, TraceSynth.Make(model).RatesBps);
        Assert.NotEqual(TraceSynth.Make(model).RatesBps, TraceSynth.Make(model with { Seed = 7 }).RatesBps);
    }

    [Fact]
    public void A_scenario_link_follows_its_trace_and_an_outage_is_a_blackout()
    {
        var trace = CapacityTrace.Parse("interval_ms 500\n4000\n4000\n0\n0\n2000\n", "t");
        AdaptScenario s = new AdaptScenario
        {
            Name = "t", Description = "t", Kind = AdaptKind.Trace, DurationSeconds = 3,
            Links = [AdaptLink.Following("a", trace, 30), new AdaptLink("b", 3_000_000, 30)],
        }.FollowTraces();
        Assert.Equal(2_000_000, s.Links[0].RateBps); // the trace's mean, for the bitrate rules
        Assert.Equal(4_000_000, s.RateAt("a", 0.9));
        Assert.Equal(0, s.RateAt("a", 1.2));
        Assert.Equal(0, s.RateAt("a", 1.9));
        Assert.Equal(2_000_000, s.RateAt("a", 2.1));
        Assert.Equal(3_000_000, s.RateAt("b", 2.1));
        Assert.Equal(4, s.Events.Count); // 4000 at 0, two outage intervals, 2000 at 2 s
        Assert.Empty(GoalFigures.SteadyWindows(AdaptCatalog.LteTraces.ChangeTimes, AdaptCatalog.LteTraces.DurationSeconds));
    }

    internal static string RepositoryRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "ristbond.slnx")))
                return dir;
        }
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
