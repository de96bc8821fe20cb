using Ristbond.Bench.Adapt;

namespace Ristbond.Bench.Tests;

/// <summary>The bench's arithmetic on synthetic timelines.</summary>
public sealed class AdaptMetricsTests
{
    static List<TimePoint> Series(params (double T, double V)[] points) => [.. points.Select(p => new TimePoint(p.T, p.V))];

    [Fact]
    public void Time_to_threshold_counts_from_the_event_and_ignores_earlier_samples()
    {
        var series = Series((10, 1), (14, 9), (15.2, 9), (15.7, 4), (16.7, 3));
        Assert.Equal(0.7, AdaptMetrics.SecondsUntil(series, 15, v => v < 5)!.Value, 6);
        Assert.Null(AdaptMetrics.SecondsUntil(series, 15, v => v < 1));
    }

    [Fact]
    public void Time_to_threshold_with_a_hold_skips_a_dip_that_does_not_last()
    {
        var series = Series((15.1, 0.3), (15.2, 0.01), (15.3, 0.3), (15.4, 0.02), (15.5, 0.01), (15.6, 0.01), (16.5, 0.02), (16.6, 0.3));
        // 15.2 recovers at once; 15.4 holds through 16.4 (the 16.6 sample is outside its second).
        Assert.Equal(0.4, AdaptMetrics.SecondsUntil(series, 15, v => v <= 0.03, holdSeconds: 1)!.Value, 6);
        Assert.Equal(0.2, AdaptMetrics.SecondsUntil(series, 15, v => v <= 0.03)!.Value, 6);
    }

    [Fact]
    public void Mean_covers_the_half_open_window()
    {
        var series = Series((9.9, 100), (10, 1), (12, 3), (15, 100));
        Assert.Equal(2, AdaptMetrics.Mean(series, 10, 15));
        Assert.Null(AdaptMetrics.Mean(series, 20, 25));
    }

    [Fact]
    public void Windowed_share_places_a_step_at_the_window_centre()
    {
        // Three links at 100 bytes per 0.1 s each until 2.0 s, then link 0 gets nothing.
        var times = new List<double>();
        var counters = new[] { new List<long>(), new List<long>(), new List<long>() };
        long a = 0, b = 0, c = 0;
        for (int i = 0; i <= 40; i++)
        {
            double t = i * 0.1;
            times.Add(t);
            counters[0].Add(a);
            counters[1].Add(b);
            counters[2].Add(c);
            if (t < 1.95)
                a += 100;
            b += 100;
            c += 100;
        }
        List<TimePoint> share = AdaptMetrics.WindowedShare(times, counters, 0, 0.2);
        Assert.Equal(1.0 / 3, share.First().Value, 6);
        Assert.Equal(0.1, share.First().T, 6);
        Assert.Equal(0, share.Last().Value);
        // Windows centred before the step are a third, after it zero: the first zero is centred at 2.1 (window 2.0–2.2).
        double? firstZero = AdaptMetrics.FirstTimeHolding(share, 0, v => v == 0);
        Assert.Equal(2.1, firstZero!.Value, 6);
    }

    [Fact]
    public void Windowed_share_leaves_out_windows_without_traffic()
    {
        double[] times = [0, 0.5, 1.0, 1.5];
        IReadOnlyList<long>[] counters = [new long[] { 0, 0, 0, 50 }, new long[] { 0, 0, 0, 50 }];
        List<TimePoint> share = AdaptMetrics.WindowedShare(times, counters, 0, 0.5);
        Assert.Equal([new TimePoint(1.25, 0.5)], share);
    }

    [Fact]
    public void Goodput_is_the_interpolated_rate_of_a_cumulative_byte_count()
    {
        // 1 MB/s = 8 Mbit/s, sampled every 0.1 s.
        List<TimePoint> bits = [.. Enumerable.Range(0, 101).Select(i => new TimePoint(i * 0.1, i * 0.1 * 8_000_000))];
        Assert.Equal(8_000_000, AdaptMetrics.AverageRate(bits, 2.05, 7.33)!.Value, 3);
        Assert.Null(AdaptMetrics.AverageRate(bits, 5, 11));
        List<TimePoint> rates = AdaptMetrics.WindowedRate([.. bits.Select(p => p.T)], [.. bits.Select(p => (long)p.Value)], 1.0);
        Assert.All(rates, r => Assert.Equal(8_000_000, r.Value, 0));
        Assert.Equal(0.5, rates[0].T, 6);
    }

    [Fact]
    public void A_reversal_is_a_flip_in_the_direction_of_a_change_of_at_least_five_percent()
    {
        // up, (small wiggles ignored), down = reversal, up = reversal, up again = none.
        var weights = Series((0, 100), (1, 120), (2, 118), (3, 121), (4, 90), (5, 89), (6, 100), (7, 130));
        Assert.Equal([4.0, 6.0], AdaptMetrics.ReversalTimes(weights, 0.05));
    }

    [Fact]
    public void Small_changes_add_up_until_they_make_a_move()
    {
        // 100 → 97 → 94 (−6% of 100 together): one move down, after a move up it is a reversal.
        var weights = Series((0, 90), (1, 100), (2, 97), (3, 94));
        Assert.Equal([3.0], AdaptMetrics.ReversalTimes(weights, 0.05));
    }

    [Fact]
    public void Reversals_from_a_weight_of_one_count()
    {
        var weights = Series((0, 33), (1, 1), (2, 1), (3, 33), (4, 1));
        Assert.Equal([3.0, 4.0], AdaptMetrics.ReversalTimes(weights, 0.05));
    }

    [Fact]
    public void Most_reversals_in_any_five_seconds()
    {
        Assert.Equal(3, AdaptMetrics.MaxInWindow([1, 2, 5.9, 6.5, 12, 13], 5));
        Assert.Equal(2, AdaptMetrics.MaxInWindow([1, 6, 11, 12], 5)); // [t, t+5): 1 and 6 are not together
        Assert.Equal(0, AdaptMetrics.MaxInWindow([], 5));
    }

    [Fact]
    public void Share_of_sum_skips_samples_where_nothing_was_sent()
    {
        double[] times = [1, 2, 3];
        IReadOnlyList<double>[] values = [new double[] { 2, 0, 1 }, new double[] { 6, 0, 3 }];
        Assert.Equal([new TimePoint(1, 0.25), new TimePoint(3, 0.25)], AdaptMetrics.ShareOfSum(times, values, 0));
    }
}
