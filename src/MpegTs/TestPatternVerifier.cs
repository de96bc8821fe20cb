namespace Ristbond.MpegTs;

/// <summary>
/// Checks a received copy of the test stream packet by packet: content, order, gaps, duplicates, continuity,
/// and latency from the send time carried in each packet (valid when sender and checker share a clock).
/// </summary>
public sealed class TestPatternVerifier
{
    readonly ContinuityTracker _continuity = new();

    public long TsPackets { get; private set; }
    public long DataPackets { get; private set; }
    public long FirstSequence { get; private set; } = -1;
    public long LastSequence { get; private set; } = -1;
    /// <summary>Data packets that never arrived between the first and the last one seen.</summary>
    public long Missing { get; private set; }
    /// <summary>Data packets that came with a sequence number not above the last one: duplicates or reordering.</summary>
    public long OutOfOrder { get; private set; }
    public long Corrupt { get; private set; }
    public long SyncErrors { get; private set; }
    /// <summary>Continuity-counter breaks on any PID other than the null PID.</summary>
    public long ContinuityErrors => _continuity.Errors;
    public long LatencyMinNanos { get; private set; } = long.MaxValue;
    public long LatencyMaxNanos { get; private set; }
    public double LatencyMeanNanos => DataPackets == 0 ? 0 : _latencySumNanos / (double)DataPackets;
    /// <summary>The largest jump in sequence numbers between consecutive packets, minus one: the longest gap.</summary>
    public long LongestGap { get; private set; }

    long _latencySumNanos;

    public void Push(ReadOnlySpan<byte> data, long nowNanos)
    {
        for (; data.Length >= TsPacket.Size; data = data[TsPacket.Size..])
            PushPacket(data[..TsPacket.Size], nowNanos);
        if (!data.IsEmpty)
            SyncErrors++;
    }

    void PushPacket(ReadOnlySpan<byte> packet, long nowNanos)
    {
        if (packet[0] != TsPacket.SyncByte)
        {
            SyncErrors++;
            return;
        }
        TsPackets++;
        int pid = TsPacket.Pid(packet);
        _continuity.Check(packet, pid);
        if (pid != TestPattern.DataPid)
            return;
        if (!TestPattern.TryReadDataPacket(packet, out long sequence, out long sentNanos))
        {
            Corrupt++;
            return;
        }
        DataPackets++;
        long latency = nowNanos - sentNanos;
        _latencySumNanos += latency;
        LatencyMinNanos = Math.Min(LatencyMinNanos, latency);
        LatencyMaxNanos = Math.Max(LatencyMaxNanos, latency);

        if (FirstSequence < 0)
        {
            FirstSequence = LastSequence = sequence;
            return;
        }
        if (sequence > LastSequence)
        {
            long gap = sequence - LastSequence - 1;
            Missing += gap;
            LongestGap = Math.Max(LongestGap, gap);
            LastSequence = sequence;
        }
        else
        {
            // A second copy or a late packet already counted missing: a RIST receiver delivers in order, so either is a fault.
            OutOfOrder++;
        }
    }

    public override string ToString() =>
        $"packets={TsPackets} data={DataPackets} seq={FirstSequence}..{LastSequence} missing={Missing} longest_gap={LongestGap} " +
        $"out_of_order={OutOfOrder} corrupt={Corrupt} cc_errors={ContinuityErrors} sync_errors={SyncErrors} " +
        $"latency_ms(min/mean/max)={LatencyMinNanos / 1e6:F1}/{LatencyMeanNanos / 1e6:F1}/{LatencyMaxNanos / 1e6:F1}";
}
