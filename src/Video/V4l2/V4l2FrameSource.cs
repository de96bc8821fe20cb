using Ristbond.Platform;

namespace Ristbond.Video.V4l2;

/// <summary>
/// A V4L2 capture device as the send path's <see cref="IFrameSource"/> (<c>-i v4l2:///dev/videoN</c>): each frame
/// stays in the driver's buffer until the next call, which gives it back; the capture time is the driver's
/// monotonic timestamp; frames the driver dropped show as gaps in its sequence counter. The frame's DMABUF
/// (<see cref="HeldDmabufFd"/>) lets an encoder that imports it read the frame where it lies
/// (<see cref="DmabufImportEncoder"/>). Owns the capture device.
/// </summary>
public sealed class V4l2FrameSource : IFrameSource
{
    /// <summary>The input scheme users name a capture device with.</summary>
    public const string Scheme = "v4l2://";

    /// <summary>How long a device may deliver nothing before the input counts as stopped (a cable pulled, a stuck driver).</summary>
    public const int StallTimeoutMilliseconds = 2000;

    /// <summary>The longest one wait blocks before it looks at the cancellation token again.</summary>
    const int PollSliceMilliseconds = 100;

    readonly V4l2Capture _capture;
    int _heldIndex = -1;
    uint _lastSequence;
    bool _seenFrame;
    long _skippedFrames;

    /// <param name="name">The input as the user named it (v4l2:///dev/video0).</param>
    public V4l2FrameSource(string name, V4l2Capture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        Name = name;
        _capture = capture;
    }

    public string Name { get; }

    /// <summary>What the driver granted, which may differ from the size and rate asked for.</summary>
    public VideoFormat Format => _capture.Format;

    public V4l2Capture Capture => _capture;

    public long SkippedFrames => Interlocked.Read(ref _skippedFrames);

    /// <summary>The DMABUF holding the frame last returned (-1 when the device exports none), until the next call.</summary>
    public int HeldDmabufFd { get; private set; } = -1;

    /// <summary>Bytes used in <see cref="HeldDmabufFd"/>.</summary>
    public int HeldBytesUsed { get; private set; }

    /// <summary>The size of <see cref="HeldDmabufFd"/>'s buffer.</summary>
    public int HeldDmabufLength { get; private set; }

    /// <summary>True between a frame being returned and the next call (when its buffer goes back to the driver).</summary>
    public bool HoldsFrame => _heldIndex >= 0;

    public bool TryNextFrame(CancellationToken cancellation, out ReadOnlySpan<byte> frame, out long captureNanos)
    {
        ReleaseHeld();
        long deadline = MonotonicClock.NowNanos + StallTimeoutMilliseconds * 1_000_000L;
        while (!cancellation.IsCancellationRequested)
        {
            if (_capture.TryNextFrame(PollSliceMilliseconds, out V4l2Frame captured))
            {
                CountGap(captured.Sequence);
                _heldIndex = captured.Index;
                HeldDmabufFd = captured.DmabufFd;
                HeldBytesUsed = captured.BytesUsed;
                HeldDmabufLength = captured.DmabufLength;
                frame = captured.Packed;
                captureNanos = captured.CaptureNanos;
                return true;
            }
            if (MonotonicClock.NowNanos > deadline)
                throw new RistbondException($"Could not capture from {_capture.Info.Path}: no frame within {StallTimeoutMilliseconds} ms", ExitCodes.RuntimeFailure);
        }
        frame = default;
        captureNanos = 0;
        return false;
    }

    void CountGap(uint sequence)
    {
        if (_seenFrame)
        {
            uint gap = unchecked(sequence - _lastSequence - 1);
            // A counter that went backwards (the driver restarted it) is not a loss.
            if (gap < int.MaxValue)
                Interlocked.Add(ref _skippedFrames, gap);
        }
        _seenFrame = true;
        _lastSequence = sequence;
    }

    void ReleaseHeld()
    {
        if (_heldIndex < 0)
            return;
        _capture.Release(_heldIndex);
        _heldIndex = -1;
        HeldDmabufFd = -1;
        HeldBytesUsed = 0;
        HeldDmabufLength = 0;
    }

    public void Dispose() => _capture.Dispose();
}
