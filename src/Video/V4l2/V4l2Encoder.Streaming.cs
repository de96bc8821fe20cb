using Ristbond.Platform;
using static Interop.V4l2;

namespace Ristbond.Video.V4l2;

// The frame path: a raw frame into a free OUTPUT buffer, the coded frame out of the CAPTURE queue. The buffer
// timestamp carries the frame number through the device (drivers copy it from the raw buffer to the coded one);
// the capture time is kept in a ring by frame number. Nothing here allocates.
public sealed partial class V4l2Encoder
{
    const int CaptureRingSize = 64;

    readonly int[] _freeRaw;
    readonly long[] _captureNanos;
    int _freeCount;
    int _heldCoded = -1;     // the CAPTURE buffer whose bytes the last access unit points into
    int _inFlight;           // raw frames queued whose coded frame has not come out
    int _delayAllowance;     // frames the device holds before giving one out (learnt: 0 for most encoders)
    long _nextFrameIndex;
    bool _draining;
    bool _ended;
    bool _disposed;

    /// <summary>Frames the device was seen to hold back before giving coded frames out.</summary>
    public int Delay => _delayAllowance;

    public bool Encode(ReadOnlySpan<byte> frame, long captureNanos, out EncodedAccessUnit accessUnit)
    {
        BeginFrame();
        Format.CheckFrame(frame);
        if (ImportsDmabuf)
            throw new InvalidOperationException($"Could not encode a copied frame on {DevicePath}: it was opened to import DMABUF (use EncodeDmabuf)");
        int index = AcquireRawBuffer();
        unsafe
        {
            Span<byte> plane1 = Layout.MemoryPlanes > 1 ? _raw.Plane(index, 1).Span : default;
            Span<byte> plane2 = Layout.MemoryPlanes > 2 ? _raw.Plane(index, 2).Span : default;
            Layout.Copy(frame, Format.PixelFormat, _raw.Plane(index, 0).Span, plane1, plane2);
        }
        QueueRaw(index, captureNanos, dmabufFd: -1);
        return TakeCoded(wait: _inFlight > _delayAllowance, out accessUnit);
    }

    /// <summary>
    /// Encodes a frame that lives in a DMABUF (a capture device's buffer, exported): the device reads it in place.
    /// Returns once the device is done reading it, so the caller may give the buffer back to its capture queue.
    /// Needs <see cref="ImportsDmabuf"/> and a buffer laid out as <see cref="Layout"/> says; <paramref name="dmabufLength"/>
    /// is the DMABUF's size (a multi-planar queue checks the bytes used against it).
    /// </summary>
    public bool EncodeDmabuf(int dmabufFd, int dmabufLength, int bytesUsed, long captureNanos, out EncodedAccessUnit accessUnit)
    {
        BeginFrame();
        if (!ImportsDmabuf)
            throw new InvalidOperationException($"Could not encode a DMABUF on {DevicePath}: it takes copied frames (ImportsDmabuf is false)");
        int index = AcquireRawBuffer();
        QueueRaw(index, captureNanos, dmabufFd, dmabufLength, bytesUsed);
        bool produced = TakeCoded(wait: _inFlight > _delayAllowance, out accessUnit);
        // The caller requeues its capture buffer when this returns: the device must be done reading it.
        while (_freeCount < _raw.Count)
        {
            ReclaimRawBuffers();
            if (_freeCount < _raw.Count && (_device.Poll(Interop.Libc.POLLOUT, _options.StallTimeoutMilliseconds) & Interop.Libc.POLLOUT) == 0)
                throw Stalled("give back a DMABUF frame");
        }
        return produced;
    }

    public bool Drain(out EncodedAccessUnit accessUnit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequeueHeldCoded();
        if (!_draining)
        {
            _draining = true;
            var command = new v4l2_encoder_cmd { cmd = V4L2_ENC_CMD_STOP };
            _device.Ioctl(VIDIOC_ENCODER_CMD, ref command, "stop the encoder (drain)");
        }
        if (_ended)
        {
            accessUnit = default;
            return false;
        }
        return TakeCoded(wait: true, out accessUnit);
    }

    void BeginFrame()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_draining)
            throw new InvalidOperationException($"Could not encode a frame on {DevicePath}: the encoder is draining (Drain was called)");
        RequeueHeldCoded();
        ApplyRequests();
    }

    void QueueRaw(int index, long captureNanos, int dmabufFd, int dmabufLength = 0, int dmabufBytes = 0)
    {
        long frame = _nextFrameIndex++;
        _captureNanos[frame % CaptureRingSize] = captureNanos;
        // The frame number as the timestamp, in whole microseconds so the timeval round trip is exact.
        if (dmabufFd >= 0)
            _raw.Queue(index, [dmabufBytes], frame * 1000, dmabufFd, dmabufLength);
        else
            _raw.Queue(index, Layout.PlaneBytes, frame * 1000);
        _inFlight++;
    }

    int AcquireRawBuffer()
    {
        while (true)
        {
            if (_freeCount > 0)
                return _freeRaw[--_freeCount];
            ReclaimRawBuffers();
            if (_freeCount > 0)
                continue;
            short events = _device.Poll(Interop.Libc.POLLOUT, _options.StallTimeoutMilliseconds);
            if ((events & (Interop.Libc.POLLOUT | Interop.Libc.POLLERR)) == 0)
                throw Stalled("free a raw frame buffer");
            if ((events & Interop.Libc.POLLERR) != 0 && (events & Interop.Libc.POLLOUT) == 0)
                throw new RistbondException($"Could not get a raw frame buffer back from {DevicePath}: the device reports an error on its queues", ExitCodes.RuntimeFailure);
        }
    }

    void ReclaimRawBuffers()
    {
        while (_raw.TryDequeue(out DequeuedBuffer done))
            _freeRaw[_freeCount++] = done.Index;
    }

    /// <summary>The next coded frame, waiting for it when <paramref name="wait"/>; false when there is none (yet).</summary>
    bool TakeCoded(bool wait, out EncodedAccessUnit accessUnit)
    {
        while (true)
        {
            ReclaimRawBuffers();
            if (_coded.TryDequeue(out DequeuedBuffer coded))
            {
                if (coded.IsLast)
                    _ended = true;
                if (coded.BytesUsed == 0 || coded.IsError)
                {
                    // An empty LAST buffer ends a drain; an errored frame is dropped (the next keyframe repairs the picture).
                    _coded.Queue(coded.Index, [], 0);
                    if (!coded.IsLast)
                        _inFlight = Math.Max(0, _inFlight - 1);
                    if (_ended)
                    {
                        accessUnit = default;
                        return false;
                    }
                    continue;
                }
                _inFlight = Math.Max(0, _inFlight - 1);
                _heldCoded = coded.Index;
                accessUnit = MakeAccessUnit(coded);
                return true;
            }
            _ended |= _coded.PastLast;
            if (_ended || !wait)
            {
                accessUnit = default;
                return false;
            }
            short events = _device.Poll(Interop.Libc.POLLIN, _options.StallTimeoutMilliseconds);
            if (events == 0)
            {
                // Nothing within the stall time: a device that holds frames back (lookahead) gets one more frame of
                // allowance, up to its raw buffer count; past that, it is stuck.
                if (!_draining && _inFlight < _raw.Count)
                {
                    _delayAllowance = _inFlight;
                    accessUnit = default;
                    return false;
                }
                throw Stalled(_draining ? "drain the encoder" : "get a coded frame");
            }
            if ((events & Interop.Libc.POLLERR) != 0 && (events & Interop.Libc.POLLIN) == 0)
                throw new RistbondException($"Could not get a coded frame from {DevicePath}: the device reports an error on its queues", ExitCodes.RuntimeFailure);
        }
    }

    unsafe EncodedAccessUnit MakeAccessUnit(DequeuedBuffer coded)
    {
        MappedBuffer buffer = _coded.Plane(coded.Index, 0);
        var data = new ReadOnlySpan<byte>(buffer.Pointer + coded.Offset, Math.Min(coded.BytesUsed, buffer.Length - coded.Offset));
        long frame = coded.TimestampNanos / 1000;
        bool keyframe = (coded.Flags & V4L2_BUF_FLAG_KEYFRAME) != 0 || (Codec == V4l2Codec.Fwht && FwhtHeader.IsIntraFrame(data));
        OnCodedFrame(data.Length);
        data = CompleteParameterSets(data);
        long pts = Format.FrameTime90kHz(frame);
        return new EncodedAccessUnit(data, pts, pts, _captureNanos[frame % CaptureRingSize], keyframe);
    }

    void RequeueHeldCoded()
    {
        if (_heldCoded < 0)
            return;
        _coded.Queue(_heldCoded, [], 0);
        _heldCoded = -1;
    }

    RistbondException Stalled(string what) =>
        new($"Could not {what} on {DevicePath}: the device did nothing for {_options.StallTimeoutMilliseconds} ms", ExitCodes.RuntimeFailure);
}
