using System.Runtime.InteropServices;
using Ristbond.Platform;

namespace Ristbond.Video;

/// <summary>
/// HEVC in software through libx265's C API: zero-latency tuning (no B-frames, no lookahead, one frame
/// thread), so every frame in gives its access unit out of the same call. The VBV buffer is the bitrate times the
/// latency budget; a bitrate change is applied live at the next frame (X265Encoder.Reconfigure.cs). With intra
/// refresh (the default) a column of intra blocks sweeps the picture once per period instead of an IDR, and
/// VPS/SPS/PPS go with every access unit; without it each IDR carries them. An AUD starts every access unit, as
/// MPEG-TS wants. One thread encodes; <see cref="SetBitrate"/> and <see cref="ForceKeyframe"/> may come from any other.
/// </summary>
public sealed unsafe partial class X265Encoder : IVideoEncoder
{
    readonly X265PictureHandle _pictureIn;
    readonly X265PictureHandle _pictureOut;
    readonly X265EncoderOptions _options;
    readonly X265ParamHandle _param;          // what the encoder was opened with; its threads may read it until closed
    readonly X265EncoderHandle _handle;
    readonly ParameterSetRepeater? _parameterSets;

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
        CheckOptions(format, _options);
        X265Library.EnsureLoaded();

        _targetBitrate = _appliedBitrate = _options.InitialBitrate;
        _param = CreateParameters(format, _options, _options.InitialBitrate);
        _handle = Interop.X265.x265_encoder_open(_param);
        if (_handle.IsInvalid)
        {
            _handle.Dispose();
            _param.Dispose();
            throw new RistbondException(
                $"Could not open the x265 encoder for {format} at {_options.InitialBitrate} bit/s (preset {_options.Preset}): x265 refused the parameters",
                ExitCodes.BadInput);
        }
        _rateChange = CreateParameters(format, _options, _options.InitialBitrate);
        _pictureIn = AllocatePicture(_param);
        _pictureOut = AllocatePicture(_param);
        if (format.PixelFormat == PixelFormat.Nv12)
            _chromaPlanes = (byte*)NativeMemory.Alloc((nuint)(format.LumaBytes / 2));
        if (_options.IntraRefresh)
            _parameterSets = new ParameterSetRepeater(hevc: true, expectedAccessUnitBytes: format.FrameBytes);
    }

    /// <summary>True when a column of intra blocks refreshes the picture instead of periodic IDRs.</summary>
    public bool IntraRefresh => _options.IntraRefresh;

    /// <summary>Frames in one IDR interval or, with <see cref="IntraRefresh"/>, one refresh period.</summary>
    public int RefreshPeriodFrames => KeyframeInterval(Format, _options);

    /// <summary>The VBV buffer, in milliseconds of the current bitrate.</summary>
    public int LatencyBudgetMilliseconds => _options.LatencyBudgetMilliseconds;

    public VideoFormat Format { get; }

    public bool Encode(ReadOnlySpan<byte> frame, long captureNanos, out EncodedAccessUnit accessUnit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_draining)
            throw new InvalidOperationException("Could not encode a frame: the x265 encoder is draining (Drain was called)");
        Format.CheckFrame(frame);
        bool keyframeForced = Interlocked.Exchange(ref _keyframeRequested, 0) != 0;
        ApplyRequestedBitrate();

        Interop.X265.x265_picture* picture = _pictureIn.Picture;
        picture->pts = _nextFrameIndex++;
        picture->userData = (IntPtr)captureNanos;
        picture->sliceType = keyframeForced ? Interop.X265.X265_TYPE_IDR : Interop.X265.X265_TYPE_AUTO;

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
        int result = Interop.X265.x265_encoder_encode(_handle, &nals, &count, pictureIn, _pictureOut.Picture);
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
        var data = new ReadOnlySpan<byte>(nals[0].payload, length);
        if (_parameterSets is not null)
            data = _parameterSets.Complete(data);
        Interop.X265.x265_picture* output = _pictureOut.Picture;
        accessUnit = new EncodedAccessUnit(
            data,
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

    // The parameters are only read here.
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
        // The encoder first: closing it joins its worker threads, which may still read the parameters.
        _handle.Dispose();
        _param.Dispose();
        _rateChange.Dispose();
        _pictureIn.Dispose();
        _pictureOut.Dispose();
        if (_chromaPlanes != null)
        {
            NativeMemory.Free(_chromaPlanes);
            _chromaPlanes = null;
        }
    }
}
