using Ristbond.Platform;
using static Interop.V4l2;

namespace Ristbond.Video.V4l2;

/// <summary>
/// A V4L2 stateful (memory-to-memory) encoder behind <see cref="IVideoEncoder"/>: raw frames go into the OUTPUT
/// queue, coded frames come out of the CAPTURE queue. Single- and multi-planar devices; HEVC, H.264 or (vicodec,
/// for the emulated board) FWHT; mmap'd buffers, or DMABUF imported from a capture device
/// (<see cref="EncodeDmabuf"/>). Bitrate live through V4L2_CID_MPEG_VIDEO_BITRATE, by a restart of the queues where
/// the driver refuses it while streaming, or through a QP chosen from measured frame sizes where there is no
/// bitrate control (<see cref="BitrateControl"/>). One thread encodes; <see cref="SetBitrate"/> and
/// <see cref="ForceKeyframe"/> may come from any other. Setup is in this file, the frame path in
/// V4l2Encoder.Streaming.cs, bitrate and keyframes in V4l2Encoder.Control.cs, VBV, peak and intra refresh in
/// V4l2Encoder.RateShaping.cs.
/// </summary>
public sealed partial class V4l2Encoder : IVideoEncoder
{
    static ReadOnlySpan<uint> ControlIds =>
    [
        V4L2_CID_MPEG_VIDEO_BITRATE, V4L2_CID_MPEG_VIDEO_BITRATE_MODE, V4L2_CID_MPEG_VIDEO_GOP_SIZE,
        V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME, V4L2_CID_MPEG_VIDEO_HEADER_MODE, V4L2_CID_MPEG_VIDEO_PREPEND_SPSPPS_TO_IDR,
        V4L2_CID_MPEG_VIDEO_B_FRAMES,
        V4L2_CID_MPEG_VIDEO_BITRATE_PEAK, V4L2_CID_MPEG_VIDEO_VBV_SIZE, V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE,
        V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD, V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE,
        V4L2_CID_MPEG_VIDEO_CYCLIC_INTRA_REFRESH_MB,
        V4L2_CID_FWHT_I_FRAME_QP, V4L2_CID_FWHT_P_FRAME_QP,
        V4L2_CID_MPEG_VIDEO_HEVC_I_FRAME_QP, V4L2_CID_MPEG_VIDEO_HEVC_P_FRAME_QP,
        V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP, V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP,
    ];

    readonly V4l2Device _device;
    readonly V4l2Queue _raw;
    readonly V4l2Queue _coded;
    readonly V4l2Controls _controls;
    readonly V4l2EncoderOptions _options;

    V4l2Encoder(V4l2Device device, VideoFormat format, V4l2EncoderOptions options, V4l2DeviceInfo info)
    {
        _device = device;
        _options = options;
        Format = format;
        Info = info;
        bool multiPlanar = info.IsMultiPlanarM2M;
        uint codedType = multiPlanar ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
        uint rawType = multiPlanar ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT;

        (Codec, uint codedFourCc) = ChooseCodec(info, options.Codecs);
        SetCodedFormat(codedType, codedFourCc);
        Layout = SetRawFormat(rawType, info);
        SetFrameRate(rawType);

        _controls = new V4l2Controls(device, ControlIds);
        _targetBitrate = _appliedBitrate = options.InitialBitrate;
        ConfigureControls();

        _raw = new V4l2Queue(device, rawType, V4L2_MEMORY_MMAP, "raw frame");
        if (options.ImportDmabuf)
            _raw = TryDmabufQueue(rawType) ?? _raw;
        if (_raw.Memory == V4L2_MEMORY_MMAP)
            _raw.Allocate(options.RawBuffers, Layout.MemoryPlanes);
        _coded = new V4l2Queue(device, codedType, V4L2_MEMORY_MMAP, "coded frame");
        _coded.Allocate(options.CodedBuffers, 1);
        _freeRaw = new int[_raw.Count];
        _captureNanos = new long[CaptureRingSize];
        StartStreaming();
    }

    /// <summary>
    /// Opens the encoder at <paramref name="devicePath"/> for <paramref name="format"/>: checks it is a
    /// memory-to-memory device, picks the first coded format of <see cref="V4l2EncoderOptions.Codecs"/> it lists,
    /// sets the raw format, the controls and the buffers, and starts streaming. Every failure is one line naming
    /// the device and what it refused.
    /// </summary>
    public static V4l2Encoder Open(string devicePath, VideoFormat format, V4l2EncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        options ??= new V4l2EncoderOptions();
        if (options.InitialBitrate <= 0)
            throw new RistbondException($"Could not open {devicePath} as an encoder: bitrate {options.InitialBitrate} is not positive");
        V4l2Device device = V4l2Device.Open(devicePath);
        try
        {
            V4l2DeviceInfo info = V4l2Discovery.Describe(device);
            if (!info.IsM2M)
                throw new RistbondException($"Could not use {devicePath} as an encoder: {info.Driver} '{info.Card}' is not a memory-to-memory device", ExitCodes.BadInput);
            return new V4l2Encoder(device, format, options, info);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public VideoFormat Format { get; }

    /// <summary>What QUERYCAP and ENUM_FMT said about the device.</summary>
    public V4l2DeviceInfo Info { get; }

    public string DevicePath => _device.Path;

    public V4l2Codec Codec { get; }

    /// <summary>Where raw frames go in the device's buffers (stride, padding, planes).</summary>
    public RawFrameLayout Layout { get; }

    /// <summary>True when raw frames are taken as DMABUF (<see cref="EncodeDmabuf"/>) rather than copied.</summary>
    public bool ImportsDmabuf => _raw.Memory == V4L2_MEMORY_DMABUF;

    static (V4l2Codec, uint) ChooseCodec(V4l2DeviceInfo info, IReadOnlyList<V4l2Codec> wanted)
    {
        foreach (V4l2Codec codec in wanted)
        {
            uint fourCc = FourCcOf(codec);
            if (info.CodedFormats.Contains(fourCc))
                return (codec, fourCc);
        }
        string offered = info.CodedFormats.Count == 0 ? "none" : string.Join(", ", info.CodedFormats.Select(V4l2Device.FourCc));
        throw new RistbondException(
            $"Could not use {info.Path} as an encoder: it produces {offered}, not {string.Join(" or ", wanted.Select(c => V4l2Device.FourCc(FourCcOf(c))))}",
            ExitCodes.BadInput);
    }

    public static uint FourCcOf(V4l2Codec codec) => codec switch
    {
        V4l2Codec.Hevc => V4L2_PIX_FMT_HEVC,
        V4l2Codec.H264 => V4L2_PIX_FMT_H264,
        _ => V4L2_PIX_FMT_FWHT,
    };

    void SetCodedFormat(uint type, uint fourCc)
    {
        var format = new v4l2_format { type = type };
        if (IsMultiPlanar(type))
        {
            format.pix_mp.width = (uint)Format.Width;
            format.pix_mp.height = (uint)Format.Height;
            format.pix_mp.pixelformat = fourCc;
            format.pix_mp.field = V4L2_FIELD_NONE;
            format.pix_mp.num_planes = 1;
        }
        else
        {
            format.pix.width = (uint)Format.Width;
            format.pix.height = (uint)Format.Height;
            format.pix.pixelformat = fourCc;
            format.pix.field = V4L2_FIELD_NONE;
        }
        _device.Ioctl(VIDIOC_S_FMT, ref format, $"set the coded format {V4l2Device.FourCc(fourCc)}");
        uint granted = IsMultiPlanar(type) ? format.pix_mp.pixelformat : format.pix.pixelformat;
        if (granted != fourCc)
            throw new RistbondException($"Could not set the coded format {V4l2Device.FourCc(fourCc)} on {_device.Path}: the driver chose {V4l2Device.FourCc(granted)}", ExitCodes.RuntimeFailure);
    }

    /// <summary>S_FMT on the raw side: the frame's own chroma order if the device takes it, else the other one.</summary>
    RawFrameLayout SetRawFormat(uint type, V4l2DeviceInfo info)
    {
        uint[] candidates = Format.PixelFormat == PixelFormat.Nv12
            ? [V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV12M, V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YUV420M]
            : [V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YUV420M, V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV12M];
        uint fourCc = candidates.FirstOrDefault(info.RawFormats.Contains);
        if (fourCc == 0)
        {
            throw new RistbondException(
                $"Could not use {_device.Path} as an encoder: it takes {string.Join(", ", info.RawFormats.Select(V4l2Device.FourCc))}, none of NV12, NV12M, YU12, YM12",
                ExitCodes.BadInput);
        }
        var format = new v4l2_format { type = type };
        int planes = fourCc is V4L2_PIX_FMT_NV12M ? 2 : fourCc is V4L2_PIX_FMT_YUV420M ? 3 : 1;
        if (IsMultiPlanar(type))
        {
            format.pix_mp.width = (uint)Format.Width;
            format.pix_mp.height = (uint)Format.Height;
            format.pix_mp.pixelformat = fourCc;
            format.pix_mp.field = V4L2_FIELD_NONE;
            format.pix_mp.num_planes = (byte)planes;
        }
        else
        {
            format.pix.width = (uint)Format.Width;
            format.pix.height = (uint)Format.Height;
            format.pix.pixelformat = fourCc;
            format.pix.field = V4L2_FIELD_NONE;
        }
        string what = $"set the raw format {V4l2Device.FourCc(fourCc)} {Format.Width}x{Format.Height}";
        _device.Ioctl(VIDIOC_S_FMT, ref format, what);
        RawFrameLayout layout = LayoutFrom(format, Format, _device.Path, what);
        if (layout.PaddedHeight != Format.Height)
            SetVisibleSize();
        return layout;
    }

    /// <summary>
    /// The driver rounded the coded size up (vicodec and most hardware align the height to 8 or 16 rows): the
    /// picture to encode is the top-left crop of the frame's own size, or the stream would carry the padding rows.
    /// </summary>
    void SetVisibleSize()
    {
        // The selection API names the single-planar type for both kinds of queue (the core maps it).
        var selection = new v4l2_selection { type = V4L2_BUF_TYPE_VIDEO_OUTPUT, target = V4L2_SEL_TGT_CROP, width = (uint)Format.Width, height = (uint)Format.Height };
        _device.Ioctl(VIDIOC_S_SELECTION, ref selection, $"crop the coded picture to {Format.Width}x{Format.Height}");
        if (selection.width != Format.Width || selection.height != Format.Height)
            throw new RistbondException($"Could not crop the coded picture to {Format.Width}x{Format.Height} on {_device.Path}: the driver chose {selection.width}x{selection.height}", ExitCodes.RuntimeFailure);
    }

    /// <summary>The layout a driver granted in <paramref name="format"/>, checked against the frame size asked for.</summary>
    internal static RawFrameLayout LayoutFrom(in v4l2_format format, VideoFormat wanted, string path, string what)
    {
        bool multiPlanar = IsMultiPlanar(format.type);
        uint fourCc = multiPlanar ? format.pix_mp.pixelformat : format.pix.pixelformat;
        int width = (int)(multiPlanar ? format.pix_mp.width : format.pix.width);
        int height = (int)(multiPlanar ? format.pix_mp.height : format.pix.height);
        if (width < wanted.Width || height < wanted.Height)
            throw new RistbondException($"Could not {what} on {path}: the driver granted {width}x{height} ({V4l2Device.FourCc(fourCc)})", ExitCodes.RuntimeFailure);
        bool interleaved = fourCc is V4L2_PIX_FMT_NV12 or V4L2_PIX_FMT_NV12M;
        int memoryPlanes = multiPlanar ? Math.Max((int)format.pix_mp.num_planes, 1) : 1;
        int lumaStride = (int)(multiPlanar ? format.pix_mp.plane0.bytesperline : format.pix.bytesperline);
        int chromaStride = multiPlanar && memoryPlanes > 1 ? (int)format.pix_mp.plane1.bytesperline : 0;
        return new RawFrameLayout(wanted.Width, wanted.Height, interleaved, memoryPlanes, Math.Max(lumaStride, wanted.Width), chromaStride, height);
    }

    /// <summary>S_PARM on the raw side: the rate the encoder's rate control divides the bitrate by. Optional (vicodec has none).</summary>
    void SetFrameRate(uint rawType)
    {
        var parameters = new v4l2_streamparm { type = rawType };
        parameters.timeperframe = new v4l2_fract { numerator = (uint)Format.FrameRateDenominator, denominator = (uint)Format.FrameRateNumerator };
        _device.TryIoctl(VIDIOC_S_PARM, ref parameters);
    }

    V4l2Queue? TryDmabufQueue(uint rawType)
    {
        if (Layout.MemoryPlanes != 1)
            return null;
        var queue = new V4l2Queue(_device, rawType, V4L2_MEMORY_DMABUF, "raw frame");
        try
        {
            queue.Allocate(_options.RawBuffers, 1);
            return queue;
        }
        catch (RistbondException)
        {
            return null;   // the driver takes no DMABUF on this queue: frames are copied into mmap'd buffers
        }
    }

    static bool IsMultiPlanar(uint type) => type is V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE or V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;

    void StartStreaming()
    {
        _freeCount = 0;
        for (int i = _raw.Count - 1; i >= 0; i--)
            _freeRaw[_freeCount++] = i;
        for (int i = 0; i < _coded.Count; i++)
            _coded.Queue(i, [], 0);
        _raw.StreamOn();
        _coded.StreamOn();
        _heldCoded = -1;
        _inFlight = 0;
        _ended = false;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        // Unmapped first; closing the file then stops both queues and frees their buffers in the driver.
        _raw.Dispose();
        _coded.Dispose();
        _device.Dispose();
    }
}
