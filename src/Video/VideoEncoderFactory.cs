using Ristbond.Platform;
using Ristbond.Video.V4l2;

namespace Ristbond.Video;

/// <summary>Which encoder mechanism <c>--encoder</c> names.</summary>
public enum VideoEncoderKind
{
    /// <summary>A hardware encoder where one is found, else software.</summary>
    Auto,
    /// <summary>libx265 in software (<see cref="X265Encoder"/>).</summary>
    X265,
    /// <summary>A V4L2 stateful encoder at a configured path (<see cref="V4l2Encoder"/>).</summary>
    V4l2,
}

/// <summary>An <c>--encoder</c> value, checked for form before anything is opened.</summary>
public sealed record VideoEncoderChoice(VideoEncoderKind Kind, string Text)
{
    public const string Usage = "auto, x265 or a V4L2 encoder's /dev/videoN";

    public static VideoEncoderChoice Auto { get; } = new(VideoEncoderKind.Auto, "auto");

    public static VideoEncoderChoice Software { get; } = new(VideoEncoderKind.X265, "x265");

    /// <summary>A V4L2 encoder at <paramref name="devicePath"/>.</summary>
    public static VideoEncoderChoice Device(string devicePath) => new(VideoEncoderKind.V4l2, devicePath);

    /// <summary>The V4L2 encoder's path; null for the other kinds.</summary>
    public string? DevicePath => Kind == VideoEncoderKind.V4l2 ? Text : null;

    /// <summary>Throws a <see cref="RistbondException"/> naming the option and the value it cannot use.</summary>
    public static VideoEncoderChoice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        // A path: the device is opened (and refused, naming it) only when video is encoded.
        if (trimmed.StartsWith('/'))
        {
            return trimmed.Length > 1 && !trimmed.EndsWith('/')
                ? Device(trimmed)
                : throw new RistbondException($"--encoder '{text}': name the encoder's device, e.g. /dev/video1");
        }
        return trimmed.ToLowerInvariant() switch
        {
            "auto" or "" => Auto,
            "x265" or "libx265" or "software" => new(VideoEncoderKind.X265, text),
            _ => throw new RistbondException($"--encoder '{text}': unknown encoder (use {Usage})"),
        };
    }
}

/// <summary>What every encoder is opened with, whatever its mechanism.</summary>
public sealed record VideoEncoderSettings
{
    /// <summary>Bits per second at open; <see cref="IVideoEncoder.SetBitrate"/> changes it while streaming.</summary>
    public required long InitialBitrate { get; init; }

    /// <summary>The highest bitrate the encoder will be set to; it fixes the stream's declared level.</summary>
    public required long MaximumBitrate { get; init; }

    /// <summary>
    /// Seconds between IDR pictures, or the intra-refresh period with <see cref="IntraRefresh"/>: how long a receiver
    /// that joins waits for a clean picture.
    /// </summary>
    public double KeyframeIntervalSeconds { get; init; } = 2.0;

    /// <summary>
    /// How long the stream may take to leave at its own bitrate (the pacer's latency budget): the encoder's VBV buffer
    /// (x265 vbv-bufsize, a V4L2 encoder's VBV/CPB size) is bitrate x budget, kept proportional on every bitrate
    /// change, so no burst the encoder makes holds a pacer at that bitrate longer than this. Default 200 ms.
    /// </summary>
    public int LatencyBudgetMilliseconds { get; init; } = X265EncoderOptions.DefaultLatencyBudgetMilliseconds;

    /// <summary>
    /// Periodic intra refresh instead of periodic IDR pictures where the encoder offers it (x265 always; a V4L2
    /// encoder with an intra-refresh control), so no frame is a keyframe-sized burst. Default on; where the device
    /// has no such control it falls back to periodic IDRs and the start-up line says so.
    /// </summary>
    public bool IntraRefresh { get; init; } = true;

    /// <summary>
    /// A V4L2 encoder named by path may produce vicodec's FWHT when it produces neither HEVC nor H.264 (send
    /// <c>--allow-fwht</c>, for checking the encoder path on the emulated board). Auto never chooses FWHT.
    /// </summary>
    public bool AllowFwht { get; init; }
}

/// <summary>
/// The one place an <c>--encoder</c> choice becomes an <see cref="IVideoEncoder"/>. A mechanism is one branch
/// here: the pixel layout it takes natively (so the source delivers frames it needs no conversion for) and how it
/// is opened. <see cref="VideoEncoderKind.Auto"/> takes the first V4L2 encoder found that produces a codec the
/// send path carries (<see cref="CarriedCodecs"/>) and falls back to x265 (<see cref="Resolve"/>).
/// </summary>
public static class VideoEncoderFactory
{
    /// <summary>The hardware codecs MPEG-TS carries, in order of preference (never FWHT, vicodec's test codec).</summary>
    public static IReadOnlyList<V4l2Codec> CarriedCodecs { get; } = [V4l2Codec.Hevc, V4l2Codec.H264];

    /// <summary><see cref="CarriedCodecs"/>, then FWHT as private data: what a device named with --allow-fwht may produce.</summary>
    public static IReadOnlyList<V4l2Codec> CarriedCodecsWithFwht { get; } = [V4l2Codec.Hevc, V4l2Codec.H264, V4l2Codec.Fwht];

    /// <summary>
    /// Turns <see cref="VideoEncoderKind.Auto"/> into what it means on this machine: the first V4L2 encoder of
    /// <paramref name="devices"/> (by default every /dev/videoN, asked by capability) producing HEVC, else H.264,
    /// else x265. Other choices come back as they are.
    /// </summary>
    public static VideoEncoderChoice Resolve(VideoEncoderChoice choice, IReadOnlyList<V4l2DeviceInfo>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(choice);
        if (choice.Kind != VideoEncoderKind.Auto)
            return choice;
        V4l2DeviceInfo? found = V4l2Discovery.FindEncoder(devices ?? V4l2Discovery.Scan(), CarriedCodecs);
        return found is null ? VideoEncoderChoice.Software : VideoEncoderChoice.Device(found.Path);
    }

    /// <summary>
    /// The raw layout the chosen encoder takes without converting (x265: planar I420; V4L2 encoders: NV12).
    /// Auto depends on the machine: <see cref="Resolve"/> it first.
    /// </summary>
    public static PixelFormat PreferredPixelFormat(VideoEncoderChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return choice.Kind switch
        {
            VideoEncoderKind.X265 => PixelFormat.I420,
            VideoEncoderKind.V4l2 => PixelFormat.Nv12,
            VideoEncoderKind.Auto => throw new ArgumentException("--encoder auto is resolved (Resolve) before its pixel format is known", nameof(choice)),
            _ => throw new ArgumentOutOfRangeException(nameof(choice), choice.Kind, "unknown encoder kind"),
        };
    }

    /// <summary>Opens the encoder for <paramref name="format"/>; a missing library, device or a refused setting is a <see cref="RistbondException"/>.</summary>
    public static IVideoEncoder Open(VideoEncoderChoice choice, VideoFormat format, VideoEncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(settings);
        VideoEncoderChoice resolved = Resolve(choice);
        return resolved.Kind switch
        {
            VideoEncoderKind.X265 => OpenX265(format, settings),
            VideoEncoderKind.V4l2 => OpenV4l2(resolved.Text, format, choice.Kind == VideoEncoderKind.V4l2 ? settings : settings with { AllowFwht = false }, importDmabuf: false),
            _ => throw new ArgumentOutOfRangeException(nameof(choice), choice.Kind, "unknown encoder kind"),
        };
    }

    /// <summary>
    /// Opens the V4L2 encoder at <paramref name="devicePath"/> for HEVC, else H.264 (else FWHT with
    /// <see cref="VideoEncoderSettings.AllowFwht"/>); a device producing none of them is refused naming it. <paramref name="importDmabuf"/>: take frames as a capture device's DMABUF where the driver can.
    /// </summary>
    public static V4l2Encoder OpenV4l2(string devicePath, VideoFormat format, VideoEncoderSettings settings, bool importDmabuf)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return V4l2Encoder.Open(devicePath, format, new V4l2EncoderOptions
        {
            Codecs = settings.AllowFwht ? CarriedCodecsWithFwht : CarriedCodecs,
            InitialBitrate = Math.Max(1, Math.Min(settings.InitialBitrate, settings.MaximumBitrate)),
            KeyframeIntervalSeconds = settings.KeyframeIntervalSeconds,
            LatencyBudgetMilliseconds = settings.LatencyBudgetMilliseconds,
            IntraRefresh = settings.IntraRefresh,
            ImportDmabuf = importDmabuf,
        });
    }

    /// <summary>The mechanism an opened encoder is, as the stats stream names it (x265, v4l2:/dev/video1).</summary>
    public static string NameOf(IVideoEncoder encoder) => encoder switch
    {
        X265Encoder => "x265",
        V4l2Encoder v4l2 => $"v4l2:{v4l2.DevicePath}",
        DmabufImportEncoder imported => NameOf(imported.Encoder),
        _ => encoder.GetType().Name,
    };

    /// <summary>
    /// The opened encoder for the one log line at start: its device, codec, how bitrate changes reach it, how its
    /// bursts are bounded (VBV) and whether it refreshes by intra refresh or by periodic IDRs (and why).
    /// </summary>
    public static string Describe(IVideoEncoder encoder) => encoder switch
    {
        V4l2Encoder v4l2 => DescribeV4l2(v4l2, "frames copied"),
        DmabufImportEncoder imported => DescribeV4l2(imported.Encoder, "DMABUF import"),
        X265Encoder x265 => DescribeX265(x265),
        _ => NameOf(encoder),
    };

    static string DescribeX265(X265Encoder encoder) =>
        $"x265 (software, bitrate live by reconfigure, VBV {encoder.LatencyBudgetMilliseconds} ms of the bitrate, " +
        (encoder.IntraRefresh
            ? $"intra refresh every {encoder.RefreshPeriodFrames} frames, parameter sets in every access unit)"
            : $"IDR every {encoder.RefreshPeriodFrames} frames)");

    static string DescribeV4l2(V4l2Encoder encoder, string frames) =>
        $"{NameOf(encoder)} ({encoder.Info.Driver} '{encoder.Info.Card}', {encoder.Codec.ToString().ToUpperInvariant()}, " +
        $"bitrate control {encoder.BitrateControl}, {encoder.DescribeRateShaping()}, {frames})";

    static X265Encoder OpenX265(VideoFormat format, VideoEncoderSettings settings)
    {
        long maximum = Math.Clamp(settings.MaximumBitrate, X265Encoder.MinimumBitrate, X265Encoder.HighestMaximumBitrate);
        var options = new X265EncoderOptions
        {
            InitialBitrate = Math.Clamp(settings.InitialBitrate, X265Encoder.MinimumBitrate, maximum),
            MaximumBitrate = maximum,
            KeyframeIntervalSeconds = settings.KeyframeIntervalSeconds,
            LatencyBudgetMilliseconds = settings.LatencyBudgetMilliseconds,
            IntraRefresh = settings.IntraRefresh,
        };
        return new X265Encoder(format, options);
    }
}
