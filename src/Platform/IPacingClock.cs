namespace Ristbond.Platform;

/// <summary>
/// The monotonic clock a paced loop reads and sleeps on. The real one is <see cref="SystemPacingClock"/>; tests
/// drive a loop with a simulated one, so pacing is checked without timing anything.
/// </summary>
public interface IPacingClock
{
    long NowNanos { get; }

    /// <summary>Returns at <paramref name="deadlineNanos"/> or at once if it has passed.</summary>
    void SleepUntil(long deadlineNanos);
}

/// <summary>CLOCK_MONOTONIC through <see cref="MonotonicClock"/>.</summary>
public sealed class SystemPacingClock : IPacingClock
{
    public static SystemPacingClock Instance { get; } = new();

    SystemPacingClock()
    {
    }

    public long NowNanos => MonotonicClock.NowNanos;

    public void SleepUntil(long deadlineNanos) => MonotonicClock.SleepUntil(deadlineNanos);
}
