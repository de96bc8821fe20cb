using Ristbond.Platform;

namespace Ristbond.Ingest.Tests;

/// <summary>A repeating warning is logged at most once per interval, and the next one says how many were held back.</summary>
public sealed class ReportThrottleTests
{
    const long Second = 1_000_000_000;

    [Fact]
    public void First_report_goes_out_then_repeats_are_held_and_counted()
    {
        var throttle = new ReportThrottle(5 * Second);

        Assert.True(throttle.ShouldReport(100 * Second, out long suppressed));
        Assert.Equal(0, suppressed);
        for (int i = 1; i <= 4; i++)
            Assert.False(throttle.ShouldReport(100 * Second + i * Second, out _));

        Assert.True(throttle.ShouldReport(105 * Second, out suppressed));
        Assert.Equal(4, suppressed);
    }

    [Fact]
    public void Interval_counts_from_the_last_report_not_the_last_attempt()
    {
        var throttle = new ReportThrottle(5 * Second);
        Assert.True(throttle.ShouldReport(0, out _));
        Assert.False(throttle.ShouldReport(4 * Second, out _));
        Assert.True(throttle.ShouldReport(5 * Second, out long suppressed));
        Assert.Equal(1, suppressed);
        Assert.False(throttle.ShouldReport(9 * Second, out _));
        Assert.True(throttle.ShouldReport(10 * Second, out suppressed));
        Assert.Equal(1, suppressed);
    }

    [Fact]
    public void Quiet_period_resets_the_count()
    {
        var throttle = new ReportThrottle(Second);
        Assert.True(throttle.ShouldReport(0, out _));
        Assert.True(throttle.ShouldReport(60 * Second, out long suppressed));
        Assert.Equal(0, suppressed);
    }

    [Fact]
    public void Works_from_a_clock_reading_of_zero_or_below()
    {
        var throttle = new ReportThrottle(Second);
        Assert.True(throttle.ShouldReport(-10 * Second, out _));
        Assert.False(throttle.ShouldReport(-10 * Second + 1, out _));
    }
}
