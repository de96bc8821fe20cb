namespace Ristbond.Rist;

/// <summary>Settings of the one librist sender context behind all links.</summary>
public sealed record RistSenderOptions
{
    /// <summary>The RIST flow id shared by every link; 0 lets librist pick a random valid one.</summary>
    public uint FlowId { get; init; }

    /// <summary>How often librist reports each link's stats.</summary>
    public int StatsIntervalMs { get; init; } = 100;

    /// <summary>
    /// How long the writer waits, around a peer being added or removed, for librist's sender thread to empty its
    /// queue: librist 0.2.x walks its peer list without the lock that peer create/destroy take.
    /// </summary>
    public int PeerChangeQuietMs { get; init; } = 20;
}
