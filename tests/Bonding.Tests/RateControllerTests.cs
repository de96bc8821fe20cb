using Ristbond.Bonding;

namespace Ristbond.Bonding.Tests;

/// <summary>Stage 3 alone: the recommendation follows what the links carry, down at once and up at a bounded pace.</summary>
public sealed class RateControllerTests
{
    static readonly BondingOptions s_options = new() { MinBitrateBps = 500_000, MaxBitrateBps = 20_000_000 };
    const long Tick = 100_000_000;

    [Fact]
    public void A_cut_is_taken_at_once_and_no_deeper_than_the_capacity_that_went()
    {
        var rate = new RateController(s_options, 10_000_000);
        long now = 0;
        rate.Update(10_000_000, now += Tick, 0.1);
        BondingEvent? e = rate.Update(7_500_000, now += Tick, 0.1);
        Assert.Equal(7_500_000, rate.RecommendedBps);
        Assert.Equal(BondingEventType.CongestionControl, e?.Type);
    }

    [Fact]
    public void A_rise_is_paced_and_announced_at_most_once_a_second()
    {
        var rate = new RateController(s_options, 4_000_000);
        long now = 0;
        int announcements = 0;
        for (int i = 0; i < 10; i++)
        {
            if (rate.Update(12_000_000, now += Tick, 0.1) is { Type: BondingEventType.BandwidthAvailable })
                announcements++;
        }
        // At most 50% a second: 4 × 1.05^10 after one second, not the 12 the links could carry.
        Assert.InRange(rate.RecommendedBps, 6_000_000, 6_700_000);
        Assert.Equal(1, announcements);
    }

    [Fact]
    public void The_limits_bound_it_and_a_new_range_applies_at_once()
    {
        var rate = new RateController(s_options, 4_000_000);
        rate.Update(100_000, Tick, 0.1);
        Assert.Equal(500_000, rate.RecommendedBps);
        rate.SetLimits(1_000_000, 3_000_000);
        Assert.Equal(1_000_000, rate.RecommendedBps);
        for (int i = 0; i < 50; i++)
            rate.Update(50_000_000, (i + 2) * Tick, 0.1);
        Assert.Equal(3_000_000, rate.RecommendedBps);
    }
}
