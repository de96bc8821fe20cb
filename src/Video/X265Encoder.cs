using System.Runtime.InteropServices;
using Ristbond.Platform;

namespace Ristbond.Video;

/// <summary>
/// HEVC in software through libx265's C API: zero-latency tuning (no B-frames, no lookahead, one frame
/// thread), so every frame in gives its access unit out of the same call. A bitrate change reopens the encoder
/// (libx265 3.5's live reconfigure does not change the output; see X265Encoder.Parameters.cs) on a helper thread, and
/// the frame thread swaps it in when it is open (X265Encoder.Reopen.cs). Each keyframe carries VPS/SPS/PPS
/// and an AUD starts every access unit, as MPEG-TS wants. One thread encodes; <see cref="SetBitrate"/> and
/// <see cref="ForceKeyframe"/> may come from any other.
/// </summary>
public sealed unsafe partial class X265Encoder : IVideoEncoder
{
    readonly X265PictureHandle _pictureIn;
    readonly X265PictureHandle _pictureOut;
    readonly X265EncoderOptions _options;

    // NV12 chroma is de-interleaved into these planes: x265 3.5 takes planar 4:2:0 only.
    byte* _chromaPlanes;
    long _nextFrameIndex;
    bool _draining;
    bool _disposed;

    public X265Encoder(VideoFormat format, X265EncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        Format = format;
        _options = options ?? new X265EncoderOptions();
        CheckOptions(_options);
        X265Library.EnsureLoaded();

        _targetBitrate = _options.InitialBitrate;
        _keyframeInterval = KeyframeInterval(format, _options);
        _current = OpenedEncoder.Open(format, _options, _options.InitialBitrate, reopening: false);
        _pictureIn = AllocatePicture(_current.Param);
        _pictureOut = AllocatePicture(_current.Param);
        if (format.PixelFormat == PixelFormat.Nv12)
            _chromaPlanes = (byte*)NativeMemory.Alloc((nuint)(format.LumaBytes / 2));
    }

    public VideoFormat Format { get; }

    public bool Encode(ReadOnlySpan<byte> frame, long captureNanos, out EncodedAccessUnit accessUnit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_draining)
            throw new InvalidOperationException("Could not encode a frame: the x265 encoder is draining (Drain was called)");
        Format.CheckFrame(frame);
        bool keyframeForced = Interlocked.Exchange(ref _keyframeRequested, 0) != 0;
        bool reopened = ApplyRequestedBitrate(keyframeForced);

        Interop.X265.x265_picture* picture = _pictureIn.Picture;
        picture->pts = _nextFrameIndex++;
        picture->userData = (IntPtr)captureNanos;
        picture->sliceType = keyframeForced && !reopened ? Interop.X265.X265_TYPE_IDR : Interop.X265.X265_TYPE_AUTO;

        int luma = Format.LumaBytes;
        int quarter = luma / 4;
        // Pinned only for the call: x265_encoder_encode copies the picture into its own frame before returning.
        fixed (byte* data = frame)
        {
            picture->plane0 = data;
            if (Format.PixelFormat == PixelFormat.Nv12)
            {
                Deinterleave(frame.Slice(luma), _chromaPlanes, _chromaPlanes + quarter);
                picture->plane1 = _chromaPlanes;
                picture->plane2 = _chromaPlanes + quarter;
            }
            else
            {
                picture->plane1 = data + luma;
                picture->plane2 = data + luma + quarter;
            }
            picture->stride0 = Format.Width;
            picture->stride1 = picture->stride2 = Format.Width / 2;
            return EncodeCore(picture, out accessUnit);
        }
    }

    public bool Drain(out EncodedAccessUnit accessUnit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _draining = true;
        return EncodeCore(null, out accessUnit);
    }

    bool EncodeCore(Interop.X265.x265_picture* pictureIn, out EncodedAccessUnit accessUnit)
    {
        Interop.X265.x265_nal* nals;
        uint count;
        int result = Interop.X265.x265_encoder_encode(_current.Handle, &nals, &count, pictureIn, _pictureOut.Picture);
        if (result < 0)
            throw new RistbondException($"Could not encode frame {_nextFrameIndex - 1} with x265: x265_encoder_encode returned {result}", ExitCodes.RuntimeFailure);
        if (result == 0 || count == 0)
        {
            accessUnit = default;
            return false;
        }

        // x265 guarantees the payloads of one call are contiguous, so the access unit is one span, not a copy.
        int length = 0;
        bool irap = false;
        for (uint i = 0; i < count; i++)
        {
            length += (int)nals[i].sizeBytes;
            irap |= nals[i].type is >= Interop.X265.NAL_UNIT_CODED_SLICE_BLA_W_LP and <= Interop.X265.NAL_UNIT_CODED_SLICE_CRA;
        }
        // Counts the keyframe itself, so the count reaches the interval on the frame x265 makes the next IDR.
        _framesSinceKeyframe = irap ? 1 : _framesSinceKeyframe + 1;
        Interop.X265.x265_picture* output = _pictureOut.Picture;
        accessUnit = new EncodedAccessUnit(
            new ReadOnlySpan<byte>(nals[0].payload, length),
            Format.FrameTime90kHz(output->pts),
            Format.FrameTime90kHz(output->dts),
            captureNanos: output->userData,
            isKeyframe: irap);
        return true;
    }

    static void Deinterleave(ReadOnlySpan<byte> interleaved, byte* u, byte* v)
    {
        for (int i = 0, j = 0; j < interleaved.Length; i++, j += 2)
        {
            u[i] = interleaved[j];
            v[i] = interleaved[j + 1];
        }
    }

    // The parameters are only read here: the pictures outlive the encoder they were set up with, for its successors.
    static X265PictureHandle AllocatePicture(X265ParamHandle param)
    {
        X265PictureHandle picture = Interop.X265.x265_picture_alloc();
        if (picture.IsInvalid)
            throw new OutOfMemoryException("Could not allocate an x265_picture");
        Interop.X265.x265_picture_init(param, picture);
        picture.Picture->colorSpace = Interop.X265.X265_CSP_I420;
        picture.Picture->bitDepth = 8;
        return picture;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        CloseAll();
        _pictureIn.Dispose();
        _pictureOut.Dispose();
        if (_chromaPlanes != null)
        {
            NativeMemory.Free(_chromaPlanes);
            _chromaPlanes = null;
        }
    }
}
