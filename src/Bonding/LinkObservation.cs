namespace Ristbond.Bonding;

/// <summary>
/// What the transport knows about one link at one instant: cumulative counters since the link was added and the
/// latest readings. The control logic takes differences between observations; it never sees librist itself.
/// </summary>
public readonly record struct LinkObservation
{
    public long NowNanos { get; init; }
    public long AddedNanos { get; init; }
    /// <summary>Monotonic time of the last RTCP from the receiver on this link, 0 if none yet.</summary>
    public long LastRtcpNanos { get; init; }
    public long SentPackets { get; init; }
    public long RetransmittedPackets { get; init; }
    public long ReceivedPackets { get; init; }
    public double RttMs { get; init; }
    public long SendRateBps { get; init; }
}
