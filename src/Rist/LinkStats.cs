namespace Ristbond.Rist;

/// <summary>
/// What librist has reported about one link so far. Counters are cumulative since the link was added (librist
/// reports per-interval deltas; we add them up so any reader can take differences over its own period).
/// </summary>
public readonly record struct LinkStats
{
    /// <summary>Stats reports received; librist sends none for a peer that is not connected or is dead.</summary>
    public long Reports { get; init; }
    /// <summary>Monotonic time of the last report, or 0.</summary>
    public long LastReportNanos { get; init; }
    /// <summary>Packets sent on this link: data, retransmissions and RTCP.</summary>
    public long SentPackets { get; init; }
    /// <summary>Packets retransmitted on this link in answer to the receiver's NACKs: the only loss signal a sender gets.</summary>
    public long RetransmittedPackets { get; init; }
    /// <summary>RTCP packets received from the receiver on this link.</summary>
    public long ReceivedPackets { get; init; }
    /// <summary>Monotonic time of the last report that counted RTCP from the receiver: the link's sign of life.</summary>
    public long LastRtcpNanos { get; init; }
    /// <summary>librist's smoothed round-trip time in ms, as of the last report with RTCP in it.</summary>
    public double RttMs { get; init; }
    /// <summary>Our send rate on this link as librist measures it (not the link's capacity), bits/s.</summary>
    public long SendRateBps { get; init; }
    /// <summary>librist's quality figure, 0-100.</summary>
    public double Quality { get; init; }
}
