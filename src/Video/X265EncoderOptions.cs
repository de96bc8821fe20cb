namespace Ristbond.Video;

/// <summary>The tunables of <see cref="X265Encoder"/>, in one place.</summary>
public sealed record X265EncoderOptions
{
    /// <summary>The latency budget when none is given: the pacer's default queue budget, so both agree.</summary>
    public const int DefaultLatencyBudgetMilliseconds = 200;

    /// <summary>"ultrafast" or "superfast": the only presets an ARM board keeps up with at 720p30.</summary>
    public string Preset { get; init; } = "ultrafast";

    /// <summary>Bits per second at open; <see cref="IVideoEncoder.SetBitrate"/> changes it live.</summary>
    public long InitialBitrate { get; init; } = 2_000_000;

    /// <summary>
    /// The highest bitrate <see cref="IVideoEncoder.SetBitrate"/> will be granted (higher requests are clamped). It
    /// fixes the HEVC level the stream declares, which must not move while the bitrate does (see <see cref="HevcLevel"/>).
    /// </summary>
    public long MaximumBitrate { get; init; } = 20_000_000;

    /// <summary>
    /// Seconds between IDR pictures when nothing forces one, or with <see cref="IntraRefresh"/> the refresh period:
    /// either way the longest a receiver that joins waits for a clean picture.
    /// </summary>
    public double KeyframeIntervalSeconds { get; init; } = 2.0;

    /// <summary>
    /// How long the stream may take to leave at its own bitrate: the VBV buffer is bitrate x budget (vbv-maxrate =
    /// bitrate), kept proportional on every bitrate change. A pacer draining at the bitrate then never holds more
    /// than this, and no frame is larger than it. Smaller follows a bitrate drop faster and bounds a burst on the
    /// links; larger gives steadier quality. At least one frame interval, at most 1000 ms.
    /// </summary>
    public int LatencyBudgetMilliseconds { get; init; } = DefaultLatencyBudgetMilliseconds;

    /// <summary>
    /// Periodic intra refresh instead of periodic IDR pictures: a column of intra blocks sweeps the picture once per
    /// <see cref="KeyframeIntervalSeconds"/>, so no frame is a keyframe burst. Only the first frame (and one
    /// <see cref="IVideoEncoder.ForceKeyframe"/> asks for) is an IDR; parameter sets go with every access unit so a
    /// receiver can join anywhere (see X265Encoder.Parameters.cs).
    /// </summary>
    public bool IntraRefresh { get; init; } = true;

    /// <summary>Threads in x265's worker pool; 0 lets x265 use one per core.</summary>
    public int WorkerThreads { get; init; }

    /// <summary>x265's own stderr logging: "none", "error", "warning", "info".</summary>
    public string LogLevel { get; init; } = "error";
}
