using Ristbond.Platform;

namespace Ristbond.Video;

/// <summary>
/// <see cref="TestPatternSource"/> as a live camera would deliver it: one frame every frame interval on the
/// monotonic clock, stamped with the time it was drawn. A process that falls behind by more than
/// <see cref="MaxLagNanos"/> (stalled, or an encoder slower than real time) restarts the schedule and skips
/// frames, as a camera would drop them, instead of catching up in a burst.
/// </summary>
public sealed class PatternFrameSource : IFrameSource
{
    public const string InputName = "pattern";
    const long MaxLagNanos = 200_000_000;

    readonly TestPatternSource _pattern;
    readonly IPacingClock _clock;
    long _scheduleStart = long.MinValue;
    long _scheduleFrames;

    public PatternFrameSource(VideoFormat format, IPacingClock? clock = null, TimeProvider? wallClock = null)
    {
        _pattern = new TestPatternSource(format, clock: wallClock);
        _clock = clock ?? SystemPacingClock.Instance;
    }

    public string Name => InputName;

    public VideoFormat Format => _pattern.Format;

    /// <summary>Frames the schedule skipped because the loop fell behind.</summary>
    public long SkippedFrames { get; private set; }

    public bool TryNextFrame(CancellationToken cancellation, out ReadOnlySpan<byte> frame, out long captureNanos)
    {
        if (_scheduleStart == long.MinValue)
            _scheduleStart = _clock.NowNanos;
        long due = _scheduleStart + FrameOffsetNanos(_scheduleFrames);
        long now = _clock.NowNanos;
        if (now - due > MaxLagNanos)
        {
            long behind = (now - _scheduleStart) * Format.FrameRateNumerator / (Format.FrameRateDenominator * MonotonicClock.NanosPerSecond);
            SkippedFrames += behind - _scheduleFrames;
            _scheduleStart = now;
            _scheduleFrames = 0;
            due = now;
        }
        _clock.SleepUntil(due);
        _scheduleFrames++;
        if (cancellation.IsCancellationRequested)
        {
            frame = default;
            captureNanos = 0;
            return false;
        }
        captureNanos = _clock.NowNanos;
        frame = _pattern.NextFrame();
        return true;
    }

    long FrameOffsetNanos(long frames) =>
        frames * Format.FrameRateDenominator * MonotonicClock.NanosPerSecond / Format.FrameRateNumerator;

    public void Dispose()
    {
    }
}
