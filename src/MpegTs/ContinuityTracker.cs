namespace Ristbond.MpegTs;

/// <summary>
/// The continuity counters of a received stream, per PID: a packet with payload whose counter does not follow the
/// last one on its PID is a break. Packets without payload and the null PID are not counted.
/// </summary>
internal sealed class ContinuityTracker
{
    readonly int[] _last = new int[8192];

    public ContinuityTracker() => Array.Fill(_last, -1);

    public long Errors { get; private set; }

    /// <summary>Takes one packet of <paramref name="pid"/>; true when it breaks its PID's continuity.</summary>
    public bool Check(ReadOnlySpan<byte> packet, int pid)
    {
        if (pid == TsPacket.NullPid || !TsPacket.HasPayload(packet))
            return false;
        int cc = TsPacket.ContinuityCounter(packet);
        int last = _last[pid];
        _last[pid] = cc;
        if (last < 0 || cc == ((last + 1) & 0x0F))
            return false;
        Errors++;
        return true;
    }
}
