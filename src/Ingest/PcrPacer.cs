using Ristbond.MpegTs;

namespace Ristbond.Ingest;

/// <summary>
/// Maps positions in a recorded transport stream to the monotonic times at which they should leave, from the PCRs
/// of one PID, so a file is sent at the rate it was recorded. The caller reads ahead: once the PCR after a
/// position has been observed, that position's time is interpolated between the two PCRs around it, so a large
/// frame after small ones is spread over its own interval rather than bursting. Past the last PCR seen, the rate
/// of the last interval is extrapolated. A PCR that jumps backwards or by more than a second (a loop, a splice) or
/// carries the discontinuity indicator continues the schedule at the previous rate instead of stalling or
/// bursting. Pure: no clock or I/O of its own; positions are observed and asked for in increasing order.
/// </summary>
public sealed class PcrPacer
{
    const long MaxPcrStep = TsPacket.PcrClockHz;          // > 1 s between PCRs: a discontinuity
    const long PcrModulus = (1L << 33) * 300;              // the PCR wraps after ~26.5 hours

    readonly Queue<PcrPoint> _points = new();
    PcrPoint _last;        // the newest point (also at the tail of the queue, unless popped)
    bool _anchored;
    double _bytesPerNano;  // rate of the newest interval, for extrapolation
    long _shiftNanos;      // added to every time after a stall (SkipAhead)

    readonly record struct PcrPoint(long Position, long Pcr, long Nanos);

    /// <param name="pcrPid">The PID whose PCRs drive pacing.</param>
    /// <param name="initialBytesPerSecond">The rate to assume until two PCRs have been seen.</param>
    public PcrPacer(int pcrPid, double initialBytesPerSecond)
    {
        PcrPid = pcrPid;
        _bytesPerNano = initialBytesPerSecond / 1e9;
    }

    public int PcrPid { get; }

    /// <summary>The rate of the newest PCR interval, bits/s.</summary>
    public double BitsPerSecond => _bytesPerNano * 8e9;

    /// <summary>Learns from a packet at byte <paramref name="position"/> of the stream (positions grow across loops).</summary>
    /// <param name="nowNanos">Anchors the schedule: the first PCR is due at this time.</param>
    public void Observe(ReadOnlySpan<byte> packet, long position, long nowNanos)
    {
        if (TsPacket.Pid(packet) != PcrPid || !TsPacket.TryGetPcr(packet, out long pcr))
            return;
        if (!_anchored)
        {
            _anchored = true;
            Add(new PcrPoint(position, pcr, nowNanos - _shiftNanos));
            return;
        }
        bool discontinuity = packet[4] > 0 && (packet[5] & 0x80) != 0;
        long step = pcr - _last.Pcr % PcrModulus;
        if (step < -PcrModulus / 2)
            step += PcrModulus;
        if (discontinuity || step <= 0 || step > MaxPcrStep || position <= _last.Position)
        {
            // Carry on at the last rate: the new clock starts where the old schedule would have put this byte.
            Add(new PcrPoint(position, pcr, Extrapolate(_last, position)));
            return;
        }
        var point = new PcrPoint(position, _last.Pcr + step, _last.Nanos + step * 1000 / 27);
        _bytesPerNano = (position - _last.Position) / (double)(point.Nanos - _last.Nanos);
        Add(point);
    }

    /// <summary>When the byte at <paramref name="position"/> should be sent; <see cref="long.MinValue"/> before the first PCR.</summary>
    public long DueNanos(long position)
    {
        if (!_anchored)
            return long.MinValue;
        while (_points.Count >= 2 && ElementAt(1).Position <= position)
            _points.Dequeue();
        PcrPoint from = _points.Peek();
        if (_points.Count >= 2 && position >= from.Position)
        {
            PcrPoint to = ElementAt(1);
            double fraction = (position - from.Position) / (double)(to.Position - from.Position);
            return from.Nanos + (long)((to.Nanos - from.Nanos) * fraction) + _shiftNanos;
        }
        return Extrapolate(from, position) + _shiftNanos;
    }

    /// <summary>Moves the whole schedule later after a stall, so lost time is not made up by a burst.</summary>
    public void SkipAhead(long lagNanos) => _shiftNanos += lagNanos;

    long Extrapolate(PcrPoint from, long position) => from.Nanos + (long)((position - from.Position) / _bytesPerNano);

    void Add(PcrPoint point)
    {
        _points.Enqueue(point);
        _last = point;
    }

    PcrPoint ElementAt(int index)
    {
        foreach (PcrPoint point in _points)
        {
            if (index-- == 0)
                return point;
        }
        throw new InvalidOperationException("no such PCR point");
    }

    /// <summary>
    /// The PCR PID and rate of a stream, from its first two PCRs on one PID within <paramref name="head"/>, which
    /// starts at a packet boundary; sync losses in between are skipped over. False if there are not two.
    /// </summary>
    public static bool TryProbe(ReadOnlySpan<byte> head, out int pcrPid, out double bytesPerSecond)
    {
        pcrPid = -1;
        bytesPerSecond = 0;
        long firstPcr = -1;
        long firstPosition = 0;
        int position = 0;
        while (position + TsPacket.Size <= head.Length)
        {
            ReadOnlySpan<byte> packet = head.Slice(position, TsPacket.Size);
            if (packet[0] != TsPacket.SyncByte)
            {
                int next = TsSync.FindAlignment(head[(position + 1)..]);
                if (next < 0)
                    return false;
                position += next + 1;
                continue;
            }
            if (TsPacket.TryGetPcr(packet, out long pcr))
            {
                int pid = TsPacket.Pid(packet);
                long step = (pcr - firstPcr + PcrModulus) % PcrModulus;
                if (pcrPid < 0)
                {
                    (pcrPid, firstPcr, firstPosition) = (pid, pcr, position);
                }
                else if (pid == pcrPid && step > 0 && step <= MaxPcrStep * 5)
                {
                    bytesPerSecond = (position - firstPosition) / (step / (double)TsPacket.PcrClockHz);
                    return true;
                }
            }
            position += TsPacket.Size;
        }
        return false;
    }
}
