namespace Ristbond.Rist;

/// <summary>Settings of the one librist sender context behind all links.</summary>
public sealed record RistSenderOptions
{
    /// <summary>The RIST flow id shared by every link; 0 lets librist pick a random valid one.</summary>
    public uint FlowId { get; init; }

    /// <summary>
    /// How often librist reports each link's stats: twice per control tick, so a link's silence is seen within
    /// 50 ms of its start rather than 100 (a dead link must leave rotation within 500 ms).
    /// </summary>
    public int StatsIntervalMs { get; init; } = 50;

    /// <summary>
    /// librist's keepalive-interval for links whose URL does not set one. The receiver answers every keepalive on
    /// the link it came by, so at 10 ms each link gets 100 round trips a second: enough to see a link start losing
    /// within half a second (librist's default, 1000 ms, gives one a second). About 40 kbit/s each way per link.
    /// </summary>
    public int DefaultKeepaliveIntervalMs { get; init; } = 10;

    /// <summary>
    /// How long the writer waits, around a peer being added or removed, for librist's sender thread to empty its
    /// queue: librist 0.2.x walks its peer list without the lock that peer create/destroy take.
    /// </summary>
    public int PeerChangeQuietMs { get; init; } = 20;
}
