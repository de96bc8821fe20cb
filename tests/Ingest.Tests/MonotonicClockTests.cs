using Ristbond.Ingest.Tests.Harness;
using Ristbond.Platform;

namespace Ristbond.Ingest.Tests;

/// <summary>The clock every pacing loop sleeps on: it never goes back, and a sleep ends at its deadline, not before.</summary>
[Collection(RealtimeCollection.Name)]
public sealed class MonotonicClockTests
{
    [Fact]
    public void Clock_never_goes_back()
    {
        long last = MonotonicClock.NowNanos;
        for (int i = 0; i < 100_000; i++)
        {
            long now = MonotonicClock.NowNanos;
            Assert.True(now >= last);
            last = now;
        }
    }

    [Fact]
    public void Clock_runs_at_the_speed_of_the_wall_clock()
    {
        // Against a different clock (CLOCK_REALTIME); the best of three, as a busy machine can pause between two readings.
        double bestDifference = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long start = MonotonicClock.NowNanos;
            DateTime wallStart = DateTime.UtcNow;
            Thread.Sleep(100);
            double monotonic = MonotonicClock.SecondsSince(start);
            double wall = (DateTime.UtcNow - wallStart).TotalSeconds;
            bestDifference = Math.Min(bestDifference, Math.Abs(monotonic - wall));
            Assert.True(monotonic >= 0.1, $"a 100 ms sleep took {monotonic * 1000:F1} ms on the monotonic clock");
        }
        Assert.True(bestDifference < 0.002, $"monotonic and wall clock disagree by {bestDifference * 1000:F1} ms over 100 ms");
    }

    [Fact]
    public void Sleep_until_ends_at_the_deadline_not_before()
    {
        // Never early. Late by the scheduler's wake-up latency at best: the best of 20 tries, since on a busy
        // machine any one sleep can be stretched by other work.
        long bestOversleep = long.MaxValue;
        for (int i = 0; i < 20; i++)
        {
            long deadline = MonotonicClock.NowNanos + 5_000_000;
            MonotonicClock.SleepUntil(deadline);
            long woke = MonotonicClock.NowNanos;
            Assert.True(woke >= deadline, $"woke {deadline - woke} ns before the deadline");
            bestOversleep = Math.Min(bestOversleep, woke - deadline);
        }
        Assert.True(bestOversleep < 2_000_000, $"even the best of 20 sleeps woke {bestOversleep / 1e6:F1} ms after its deadline");
    }

    [Fact]
    public void Sleep_until_a_past_deadline_returns_at_once()
    {
        long best = long.MaxValue;
        for (int i = 0; i < 20; i++)
        {
            long start = MonotonicClock.NowNanos;
            MonotonicClock.SleepUntil(start - 1_000_000_000);
            best = Math.Min(best, MonotonicClock.NowNanos - start);
        }
        Assert.True(best < 1_000_000, $"a sleep until a second ago took at least {best / 1e6:F1} ms");
    }

    [Fact]
    public void Sleep_until_a_later_deadline_really_waits()
    {
        long start = MonotonicClock.NowNanos;
        MonotonicClock.SleepUntil(start + 50_000_000);
        Assert.True(MonotonicClock.NowNanos - start >= 50_000_000);
    }
}
