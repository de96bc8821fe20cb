using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest;

/// <summary>
/// Maps positions in a recorded transport stream to the monotonic times at which they should leave, from the PCRs
/// of one PID, so a file is sent at the rate it was recorded. Between PCRs the rate of the last PCR interval is
/// used; a PCR that jumps backwards or by more than a second (a loop, a splice) re-anchors the clock instead of
/// stalling or bursting. Pure: no clock or I/O of its own.
/// </summary>
public sealed class PcrPacer
{
    const long MaxPcrStep = TsPacket.PcrClockHz;          // > 1 s between PCRs: a discontinuity
    const long PcrModulus = (1L << 33) * 300;
    const long MaxLagNanos = 500_000_000;                 // further behind than this: give up catching up

    long _anchorTime;     // monotonic ns of the anchor
    long _anchorPcr;      // PCR of the anchor, in 27 MHz ticks (unwrapped)
    long _lastPcr;        // unwrapped
    long _lastPosition;
    double _bytesPerTick;
    bool _anchored;

    /// <param name="pcrPid">The PID whose PCRs drive pacing.</param>
    /// <param name="initialBytesPerSecond">The rate to assume until two PCRs have been seen.</param>
    public PcrPacer(int pcrPid, double initialBytesPerSecond)
    {
        PcrPid = pcrPid;
        _bytesPerTick = initialBytesPerSecond / TsPacket.PcrClockHz;
    }

    public int PcrPid { get; }

    public double BitsPerSecond => _bytesPerTick * TsPacket.PcrClockHz * 8;

    /// <summary>Learns from a packet at byte <paramref name="position"/> of the stream (positions grow across loops).</summary>
    public void Observe(ReadOnlySpan<byte> packet, long position, long nowNanos)
    {
        if (TsPacket.Pid(packet) != PcrPid || !TsPacket.TryGetPcr(packet, out long pcr))
            return;
        bool discontinuity = TsPacket.HasAdaptationField(packet) && packet[4] > 0 && (packet[5] & 0x80) != 0;
        if (!_anchored)
        {
            Anchor(pcr, position, nowNanos);
            _anchored = true;
            return;
        }
        long wrapped = _lastPcr % PcrModulus;
        long step = pcr - wrapped;
        if (step < -PcrModulus / 2)
            step += PcrModulus; // 33-bit wrap after ~26.5 hours
        if (discontinuity || step <= 0 || step > MaxPcrStep)
        {
            Anchor(pcr, position, Math.Max(DueNanos(position), nowNanos - MaxLagNanos));
            return;
        }
        _bytesPerTick = (position - _lastPosition) / (double)step;
        _lastPcr += step;
        _lastPosition = position;
    }

    /// <summary>When the byte at <paramref name="position"/> should be sent.</summary>
    public long DueNanos(long position)
    {
        if (!_anchored)
            return long.MinValue;
        double ticks = _lastPcr - _anchorPcr + (position - _lastPosition) / _bytesPerTick;
        return _anchorTime + (long)(ticks * 1000 / 27);
    }

    /// <summary>Moves the schedule forward after a stall, so lost time is not made up by a burst.</summary>
    public void SkipAhead(long lagNanos) => _anchorTime += lagNanos;

    void Anchor(long pcr, long position, long timeNanos)
    {
        _anchorTime = timeNanos;
        _anchorPcr = _lastPcr = pcr;
        _lastPosition = position;
    }

    /// <summary>
    /// The PCR PID and rate of a stream, from its first two PCRs on one PID within <paramref name="head"/>
    /// (which starts at a packet boundary). False if there are not two.
    /// </summary>
    public static bool TryProbe(ReadOnlySpan<byte> head, out int pcrPid, out double bytesPerSecond)
    {
        pcrPid = -1;
        bytesPerSecond = 0;
        long firstPcr = -1;
        long firstPosition = 0;
        for (int position = 0; position + TsPacket.Size <= head.Length; position += TsPacket.Size)
        {
            ReadOnlySpan<byte> packet = head.Slice(position, TsPacket.Size);
            if (packet[0] != TsPacket.SyncByte || !TsPacket.TryGetPcr(packet, out long pcr))
                continue;
            int pid = TsPacket.Pid(packet);
            if (pcrPid < 0)
            {
                (pcrPid, firstPcr, firstPosition) = (pid, pcr, position);
            }
            else if (pid == pcrPid && pcr > firstPcr && pcr - firstPcr <= MaxPcrStep * 5)
            {
                bytesPerSecond = (position - firstPosition) / ((pcr - firstPcr) / (double)TsPacket.PcrClockHz);
                return true;
            }
        }
        return false;
    }
}
