using Ristbond.Video;

namespace Ristbond.Ingest.Tests.Harness;

/// <summary>
/// A real frame source cut to <paramref name="count"/> frames, with a hook before each one (to change the bitrate
/// between frames, or read the allocation counter on the frame thread). Ends the source's Run after the last.
/// </summary>
public sealed class CountedFrames(IFrameSource inner, int count, Action<int>? beforeFrame = null) : IFrameSource
{
    int _next;

    public string Name => inner.Name;
    public VideoFormat Format => inner.Format;
    public long SkippedFrames => inner.SkippedFrames;

    public bool TryNextFrame(CancellationToken cancellation, out ReadOnlySpan<byte> frame, out long captureNanos)
    {
        if (_next == count)
        {
            frame = default;
            captureNanos = 0;
            return false;
        }
        beforeFrame?.Invoke(_next);
        _next++;
        return inner.TryNextFrame(cancellation, out frame, out captureNanos);
    }

    public void Dispose() => inner.Dispose();
}
