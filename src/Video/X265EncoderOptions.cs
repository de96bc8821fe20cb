namespace Ristbond.Video;

/// <summary>The tunables of <see cref="X265Encoder"/>, in one place.</summary>
public sealed record X265EncoderOptions
{
    /// <summary>"ultrafast" or "superfast": the only presets an ARM board keeps up with at 720p30.</summary>
    public string Preset { get; init; } = "ultrafast";

    /// <summary>Bits per second at open; <see cref="IVideoEncoder.SetBitrate"/> changes it live.</summary>
    public long InitialBitrate { get; init; } = 2_000_000;

    /// <summary>
    /// The highest bitrate <see cref="IVideoEncoder.SetBitrate"/> will be granted (higher requests are clamped). It
    /// fixes the HEVC level the stream declares, which must not move while the bitrate does (see <see cref="HevcLevel"/>).
    /// </summary>
    public long MaximumBitrate { get; init; } = 20_000_000;

    /// <summary>Seconds between IDR pictures when nothing forces one: how long a new receiver waits for a picture.</summary>
    public double KeyframeIntervalSeconds { get; init; } = 2.0;

    /// <summary>
    /// The VBV buffer as seconds of the current bitrate. Smaller follows a bitrate drop faster and bounds the size
    /// of a keyframe burst on the links; larger gives steadier quality. Kept proportional on every change.
    /// </summary>
    public double VbvBufferSeconds { get; init; } = 0.5;

    /// <summary>Threads in x265's worker pool; 0 lets x265 use one per core.</summary>
    public int WorkerThreads { get; init; }

    /// <summary>x265's own stderr logging: "none", "error", "warning", "info".</summary>
    public string LogLevel { get; init; } = "error";
}
