using System.Diagnostics;

namespace Ristbond.Platform;

/// <summary>
/// Monotonic time in nanoseconds (CLOCK_MONOTONIC, the clock Stopwatch reads on Linux) and
/// sleeping until an absolute point of it, so paced loops keep their schedule instead of drifting
/// by the sum of their oversleeps.
/// </summary>
public static class MonotonicClock
{
    public const long NanosPerSecond = 1_000_000_000;

    static readonly bool s_stopwatchIsNanoseconds = Stopwatch.Frequency == NanosPerSecond;

    public static long NowNanos =>
        s_stopwatchIsNanoseconds
            ? Stopwatch.GetTimestamp()
            : (long)(Stopwatch.GetTimestamp() * ((double)NanosPerSecond / Stopwatch.Frequency));

    public static double SecondsSince(long startNanos) => (NowNanos - startNanos) / (double)NanosPerSecond;

    /// <summary>Sleeps until <paramref name="deadlineNanos"/> on the monotonic clock; returns at once if it has passed.</summary>
    public static unsafe void SleepUntil(long deadlineNanos)
    {
        if (!s_stopwatchIsNanoseconds || !OperatingSystem.IsLinux())
        {
            long remaining = deadlineNanos - NowNanos;
            if (remaining > 0)
                Thread.Sleep(TimeSpan.FromTicks(remaining / 100));
            return;
        }

        var request = new Interop.Libc.Timespec
        {
            Seconds = deadlineNanos / NanosPerSecond,
            Nanoseconds = deadlineNanos % NanosPerSecond,
        };
        while (Interop.Libc.ClockNanosleep(Interop.Libc.CLOCK_MONOTONIC, Interop.Libc.TIMER_ABSTIME, &request, null) == Interop.Libc.EINTR)
        {
        }
    }
}
