using System.Text.Json.Serialization;
using Ristbond.MpegTs;

namespace Ristbond.Appliance.Check;

/// <summary>
/// What <c>ristbond check-ts --video</c> found in a received video TS: totals, then per PID that carried PES packets
/// its stream type, PES count and bytes, keyframes, continuity breaks and the frames its PTS skipped. One JSON
/// object, snake_case; it judges nothing (the board test states its bounds). Counts come from <see cref="VideoStreamVerifier"/>.
/// </summary>
public sealed record VideoCheckReport
{
    public required string Input { get; init; }
    /// <summary>Seconds from the first to the last datagram (live inputs); 0 for a file.</summary>
    public required double Seconds { get; init; }
    public required long Bytes { get; init; }
    /// <summary>Bytes × 8 over <see cref="Seconds"/>; 0 for a file.</summary>
    public required long BitrateBps { get; init; }
    public required long TsPackets { get; init; }
    /// <summary>Continuity breaks on any PID but the null PID, tables included.</summary>
    public required long CcErrors { get; init; }
    public required long SyncErrors { get; init; }
    public required IReadOnlyList<VideoPidReport> Streams { get; init; }

    public static VideoCheckReport From(string input, VideoStreamVerifier verifier, long bytes, long extraSyncErrors, long firstNanos, long lastNanos)
    {
        double seconds = lastNanos > firstNanos ? (lastNanos - firstNanos) / 1e9 : 0;
        return new VideoCheckReport
        {
            Input = input,
            Seconds = Math.Round(seconds, 3),
            Bytes = bytes,
            BitrateBps = seconds > 0 ? (long)(bytes * 8 / seconds) : 0,
            TsPackets = verifier.TsPackets,
            CcErrors = verifier.ContinuityErrors,
            SyncErrors = verifier.SyncErrors + extraSyncErrors,
            Streams = [.. verifier.Streams.Select(VideoPidReport.From)],
        };
    }
}

/// <summary>One PID of a <see cref="VideoCheckReport"/>.</summary>
public sealed record VideoPidReport
{
    public required int Pid { get; init; }
    /// <summary>The PMT's stream_type (0x24 HEVC, 0x1B H.264, 0x06 private data); -1 if no PMT named the PID.</summary>
    public required int StreamType { get; init; }
    /// <summary>The registration descriptor's format ("FWHT"); absent without one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Format { get; init; }
    /// <summary>PES packets begun: frames delivered, one per access unit as the muxer writes them.</summary>
    public required long Pes { get; init; }
    public required long PesBytes { get; init; }
    /// <summary>PES packets flagged as random access points (keyframes).</summary>
    public required long Keyframes { get; init; }
    public required long CcErrors { get; init; }
    /// <summary>The frame duration read from the PTS (smallest forward step), in 90 kHz ticks.</summary>
    public required long FrameTicks { get; init; }
    /// <summary>Frames the PTS skipped over between delivered PES packets.</summary>
    public required long MissingFrames { get; init; }
    public required long LongestGapFrames { get; init; }
    public required long PtsBackwards { get; init; }
    /// <summary>Seconds of stream the PTS spans, first to last delivered PES.</summary>
    public required double PtsSeconds { get; init; }

    public static VideoPidReport From(VideoStreamVerifier.PidStats stats) => new()
    {
        Pid = stats.Pid,
        StreamType = stats.StreamType,
        Format = stats.Format,
        Pes = stats.PesPackets,
        PesBytes = stats.PesBytes,
        Keyframes = stats.RandomAccessPoints,
        CcErrors = stats.ContinuityErrors,
        FrameTicks = stats.FrameTicks,
        MissingFrames = stats.MissingFrames,
        LongestGapFrames = stats.LongestGapFrames,
        PtsBackwards = stats.PtsBackwards,
        PtsSeconds = stats.FirstPts < 0 ? 0 : Math.Round(((stats.LastPts - stats.FirstPts + (1L << 33)) % (1L << 33)) / (double)VideoMuxer.TicksPerSecond, 3),
    };
}
