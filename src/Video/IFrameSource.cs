namespace Ristbond.Video;

/// <summary>
/// Raw frames for the encoder, one at a time, on the send path's encoding thread: the synthetic pattern
/// (<see cref="PatternFrameSource"/>) or a capture device. Each frame carries the monotonic time it was captured
/// at, which the encoder passes through to its access unit, so latency is measured from the camera on.
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>The source as the user named it, for logs and errors.</summary>
    string Name { get; }

    /// <summary>What every frame is: size, pixel layout and the nominal frame rate.</summary>
    VideoFormat Format { get; }

    /// <summary>Frames lost before they reached the encoder (the path fell behind, the device dropped them).</summary>
    long SkippedFrames { get; }

    /// <summary>
    /// Waits for the next frame. The span is valid until the next call (a device may hand its buffer back then).
    /// False when <paramref name="cancellation"/> fired or the source ended.
    /// </summary>
    bool TryNextFrame(CancellationToken cancellation, out ReadOnlySpan<byte> frame, out long captureNanos);
}
