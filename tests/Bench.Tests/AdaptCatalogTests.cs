using System.Net;
using Ristbond.Bench.Adapt;
using Ristbond.LinkEmulator;

namespace Ristbond.Bench.Tests;

/// <summary>The scenarios as shipped: what the README's table says they are.</summary>
public sealed class AdaptCatalogTests
{
    [Fact]
    public void Every_scenario_is_a_valid_link_emulator_scenario()
    {
        foreach (AdaptScenario s in AdaptCatalog.Scenarios)
        {
            ScenarioFile file = s.ToScenarioFile(new IPEndPoint(IPAddress.Loopback, 6000));
            Assert.Equal(s.Links.Count, file.Links.Count);
            Assert.All(file.Links, l => l.Up.Validate(s.Name));
            Assert.All(file.Links, l => Assert.Equal(l.Up.DelayMs, l.Down.DelayMs));
            Assert.All(file.Events, e => Assert.Contains(file.Links, l => l.Name == e.Link));
            Assert.Equal(file.Events.OrderBy(e => e.AtSeconds), file.Events);
            Assert.All(file.Events, e => Assert.InRange(e.AtSeconds, 0, s.DurationSeconds));
            Assert.True(s.MinBitrateBps <= s.StartBitrateBps && s.StartBitrateBps <= s.MaxBitrateBps, s.Name);
        }
        Assert.Equal(["step-down", "loss", "blackout", "aggregation", "flapping", "healed", "tbf-step", "lte-traces"], AdaptCatalog.Visible.Select(s => s.Name));
    }

    [Theory]
    [InlineData("step-down", 17_000_000, 23_000_000)]
    [InlineData("loss", 13_000_000, 17_000_000)]
    [InlineData("blackout", 13_000_000, 17_000_000)]
    [InlineData("aggregation", 4_000_000, 13_500_000)]
    [InlineData("flapping", 13_000_000, 17_000_000)]
    [InlineData("healed", 13_000_000, 17_000_000)]
    [InlineData("tbf-step", 8_500_000, 11_500_000)]
    [InlineData("lte-traces", 6_000_000, 13_500_000)]
    public void Bitrates_follow_the_one_rule(string name, long baseline, long max)
    {
        AdaptScenario s = AdaptCatalog.Find(name)!;
        Assert.Equal(baseline, s.BaselineBitrateBps);
        Assert.Equal(baseline, s.StartBitrateBps);
        Assert.Equal(max, s.MaxBitrateBps);
    }

    [Fact]
    public void The_link_timeline_follows_the_events()
    {
        AdaptScenario step = AdaptCatalog.StepDown;
        Assert.Equal(8_000_000, step.RateAt("b", 14.9));
        Assert.Equal(2_000_000, step.RateAt("b", 15));
        Assert.Equal(18_000_000 * 1316.0 / 1364, step.PayloadCapacityBps(20), 3);

        AdaptScenario healed = AdaptCatalog.Healed;
        Assert.Equal(6_000_000, healed.RateAt("b", 9.9));
        Assert.Equal(0, healed.RateAt("b", 15));
        Assert.Equal(6_000_000, healed.RateAt("b", 20));
    }

    [Fact]
    public void Flapping_alternates_a_second_bad_a_second_good_from_10_to_40_s()
    {
        IReadOnlyList<ScenarioEvent> events = AdaptCatalog.Flapping.Events;
        Assert.Equal(30, events.Count);
        Assert.Equal((10.0, 0.04, 150.0), (events[0].AtSeconds, events[0].Up!.Loss!.Value, events[0].Up!.DelayMs!.Value));
        Assert.Equal((11.0, 0.0, 70.0), (events[1].AtSeconds, events[1].Up!.Loss!.Value, events[1].Up!.DelayMs!.Value));
        Assert.Equal(0.04, events[0].Down!.Loss);
        Assert.Equal(39, events[^1].AtSeconds);
    }

    [Fact]
    public void The_reorder_buffer_covers_the_spread_of_one_way_delays_and_the_queue_allowed()
    {
        Assert.Equal(140, AdaptCatalog.StepDown.ReorderBufferMs);   // 30..70 ms + 100
        Assert.Equal(190, AdaptCatalog.Aggregation.ReorderBufferMs); // 30..120 ms + 100
        Assert.Equal(220, AdaptCatalog.Flapping.ReorderBufferMs);    // 30..150 ms while bad + 100
    }
}
