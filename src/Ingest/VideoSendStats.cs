namespace Ristbond.Ingest;

/// <summary>What the video path did, as the stats stream reports it once a second (<c>encoder</c>).</summary>
public sealed record VideoSendStats
{
    /// <summary>hevc, h264, or fwht (vicodec, send --allow-fwht).</summary>
    public required string Codec { get; init; }
    /// <summary>The encoder mechanism: x265, v4l2:/dev/videoN.</summary>
    public required string Encoder { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required double Fps { get; init; }
    /// <summary>The bit rate the encoder was last asked for.</summary>
    public required long BitrateBps { get; init; }
    /// <summary>Access units sent since start, and how many of them were keyframes.</summary>
    public required long Frames { get; init; }
    public required long Keyframes { get; init; }
    /// <summary>Frames the source dropped because the path fell behind real time.</summary>
    public required long SkippedFrames { get; init; }
    /// <summary>Wall time of one encode call, ms, over the last 256 frames.</summary>
    public double? EncodeMsP50 { get; init; }
    public double? EncodeMsP95 { get; init; }
    /// <summary>Capture to the frame's first datagram handed to librist, ms: encode and mux.</summary>
    public double? FirstDatagramMsP50 { get; init; }
    public double? FirstDatagramMsP95 { get; init; }
    /// <summary>Capture to the frame's last datagram handed to librist, ms: with the pacing over the frame interval.</summary>
    public double? LastDatagramMsP50 { get; init; }
    public double? LastDatagramMsP95 { get; init; }
    /// <summary>CPU time of the whole process per frame since the last report, ms (encoder threads, librist, all).</summary>
    public double? ProcessCpuMsPerFrame { get; init; }
}
