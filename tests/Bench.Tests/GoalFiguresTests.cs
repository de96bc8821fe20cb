using Ristbond.Bench.Adapt;

namespace Ristbond.Bench.Tests;

/// <summary>The goal figures on synthetic series: cuts against their cause, steadiness, burstiness, capacity.</summary>
public sealed class GoalFiguresTests
{
    static List<TimePoint> Series(params (double T, double V)[] points) => [.. points.Select(p => new TimePoint(p.T, p.V))];

    [Fact]
    public void A_cut_is_measured_from_its_peak_to_the_lowest_point_within_two_seconds()
    {
        // 10 → 6 within 1.5 s (40%), then 3 at 4 s: too late to belong to the same cut.
        var bitrate = Series((0, 8), (1, 10), (2, 8), (2.5, 6), (3.5, 7), (4, 3), (5, 3));
        List<BitrateCut> cuts = GoalFigures.Cuts(bitrate, _ => 12);
        BitrateCut first = cuts[0];
        Assert.Equal((1.0, 10.0, 2.5, 6.0), (first.PeakT, first.Peak, first.TroughT, first.Trough));
        Assert.Equal(0.4, first.Depth, 9);
        Assert.Equal(0, first.CapacityChange, 9);
        Assert.True(double.IsPositiveInfinity(first.DepthToCause));
        // The second peak (7 at 3.5 s) falls to 3: a cut of its own.
        Assert.Equal(2, cuts.Count);
        Assert.Equal(3.5, cuts[1].PeakT);
    }

    [Fact]
    public void A_cut_is_judged_against_the_capacity_fall_that_caused_it()
    {
        // Capacity 12 → 9 at 10 s (25%); the bitrate goes 10 → 5 (50%) by 11 s: twice as deep as its cause.
        double Capacity(double t) => t < 10 ? 12 : 9;
        var bitrate = Series((9, 10), (10.5, 7), (11, 5), (12, 5.2));
        BitrateCut cut = Assert.Single(GoalFigures.Cuts(bitrate, Capacity));
        Assert.Equal(0.25, cut.CapacityChange, 9);
        Assert.Equal(2.0, cut.DepthToCause, 9);
    }

    [Fact]
    public void Wiggles_under_ten_percent_are_not_cuts()
    {
        var bitrate = Series((0, 10), (1, 9.5), (2, 10), (3, 9.2), (4, 10));
        Assert.Empty(GoalFigures.Cuts(bitrate, _ => 12));
    }

    [Fact]
    public void The_coefficient_of_variation_covers_the_window()
    {
        var bitrate = Series((0, 100), (10, 8), (11, 12), (12, 8), (13, 12), (40, 100));
        Assert.Equal(0.2, GoalFigures.CoefficientOfVariation(bitrate, 10, 14)!.Value, 9);
        Assert.Null(GoalFigures.CoefficientOfVariation(bitrate, 20, 30));
    }

    [Fact]
    public void Steady_windows_are_the_last_30_s_of_each_stretch_without_a_change()
    {
        Assert.Equal([(10.0, 40.0)], GoalFigures.SteadyWindows([], 40));
        Assert.Equal([(15.0, 45.0)], GoalFigures.SteadyWindows([10], 45));
        Assert.Empty(GoalFigures.SteadyWindows([15], 30));
        Assert.Equal([(0.0, 30.0), (40.0, 70.0)], GoalFigures.SteadyWindows([30, 40], 70));
    }

    [Fact]
    public void Burstiness_is_the_peak_100_ms_rate_over_the_mean()
    {
        // 100 bytes every 0.1 s, and one interval of 400: mean 130 per 0.1 s over 1 s, peak 400.
        double[] times = [.. Enumerable.Range(0, 11).Select(i => i * 0.1)];
        long[] bytes = new long[11];
        for (int i = 1; i < 11; i++)
            bytes[i] = bytes[i - 1] + (i == 5 ? 400 : 100);
        Assert.Equal(400 / 130.0, GoalFigures.Burstiness(times, bytes, 0, 1)!.Value, 6);
        Assert.Equal(1.0, GoalFigures.Burstiness(times, bytes, 0.5, 1)!.Value, 6);
        Assert.Null(GoalFigures.Burstiness(times, new long[11], 0, 1));
    }

    [Fact]
    public void The_mean_capacity_integrates_a_step()
    {
        Assert.Equal(7, GoalFigures.MeanCapacity(t => t < 5 ? 4 : 10, 0, 10), 6);
    }
}
