using System.Text.Json.Serialization;
using Ristbond.MpegTs;

namespace Ristbond.Appliance.Check;

/// <summary>
/// What <c>ristbond check-ts</c> found in a received copy of the test stream (<c>send -i testsrc</c>): one JSON object,
/// snake_case fields, for scripts (the board test reads it). Counts come from <see cref="TestPatternVerifier"/>.
/// </summary>
public sealed record TsCheckReport
{
    /// <summary>The input as given.</summary>
    public required string Input { get; init; }
    /// <summary>Seconds from the first to the last datagram (live inputs); 0 for a file.</summary>
    public required double Seconds { get; init; }
    public required long Bytes { get; init; }
    /// <summary>Bytes × 8 over <see cref="Seconds"/>; 0 for a file.</summary>
    public required long BitrateBps { get; init; }
    public required long TsPackets { get; init; }
    /// <summary>Packets of the test pattern's data PID that read as such.</summary>
    public required long DataPackets { get; init; }
    /// <summary>Sequence numbers of the first and last data packet seen; -1 when none.</summary>
    public required long FirstSequence { get; init; }
    public required long LastSequence { get; init; }
    /// <summary>Data packets that never arrived between the first and the last one seen.</summary>
    public required long Missing { get; init; }
    /// <summary>The longest run of missing data packets.</summary>
    public required long LongestGap { get; init; }
    /// <summary>Data packets at or below a sequence number already seen: duplicates or reordering.</summary>
    public required long OutOfOrder { get; init; }
    /// <summary>Packets on the data PID whose content is not the pattern.</summary>
    public required long Corrupt { get; init; }
    /// <summary>Continuity-counter breaks on any PID but the null PID.</summary>
    public required long CcErrors { get; init; }
    /// <summary>188-byte slots without the sync byte.</summary>
    public required long SyncErrors { get; init; }
    /// <summary>From the send time in each packet to its arrival; only for live inputs on the sender's machine (same clock).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LatencyReport? LatencyMs { get; init; }

    public static TsCheckReport From(string input, TestPatternVerifier verifier, long bytes, long extraSyncErrors, long firstNanos, long lastNanos, bool live)
    {
        double seconds = live && lastNanos > firstNanos ? (lastNanos - firstNanos) / 1e9 : 0;
        return new TsCheckReport
        {
            Input = input,
            Seconds = Math.Round(seconds, 3),
            Bytes = bytes,
            BitrateBps = seconds > 0 ? (long)(bytes * 8 / seconds) : 0,
            TsPackets = verifier.TsPackets,
            DataPackets = verifier.DataPackets,
            FirstSequence = verifier.FirstSequence,
            LastSequence = verifier.LastSequence,
            Missing = verifier.Missing,
            LongestGap = verifier.LongestGap,
            OutOfOrder = verifier.OutOfOrder,
            Corrupt = verifier.Corrupt,
            CcErrors = verifier.ContinuityErrors,
            SyncErrors = verifier.SyncErrors + extraSyncErrors,
            LatencyMs = live && verifier.DataPackets > 0
                ? new LatencyReport
                {
                    Min = Math.Round(verifier.LatencyMinNanos / 1e6, 1),
                    Mean = Math.Round(verifier.LatencyMeanNanos / 1e6, 1),
                    Max = Math.Round(verifier.LatencyMaxNanos / 1e6, 1),
                }
                : null,
        };
    }
}

public sealed record LatencyReport
{
    public required double Min { get; init; }
    public required double Mean { get; init; }
    public required double Max { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TsCheckReport))]
[JsonSerializable(typeof(VideoCheckReport))]
public sealed partial class TsCheckJsonContext : JsonSerializerContext;
