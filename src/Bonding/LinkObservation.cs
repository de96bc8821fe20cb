namespace Ristbond.Bonding;

/// <summary>
/// What the transport knows about one link at one instant: cumulative counters since the link was added and the
/// latest readings. The control logic takes differences between observations; it never sees librist itself.
/// </summary>
public readonly record struct LinkObservation
{
    /// <summary>Monotonic time of the last RTCP from the receiver on this link, 0 if none yet.</summary>
    public long LastRtcpNanos { get; init; }
    /// <summary>
    /// Monotonic time of the stats report the counters come from. librist reports on its own timer, so a control
    /// tick may see no new report or two: rates are taken over report times, not tick times.
    /// </summary>
    public long ReportNanos { get; init; }
    /// <summary>Packets sent on the link: data, retransmissions and RTCP.</summary>
    public long SentPackets { get; init; }
    /// <summary>Packets retransmitted on the link (the receiver NACKs over its lowest-RTT link, so these are not this link's losses).</summary>
    public long RetransmittedPackets { get; init; }
    /// <summary>RTCP packets received on the link: answers to our keepalives, reports, NACKs.</summary>
    public long ReceivedPackets { get; init; }
    /// <summary>The latest round-trip time, ms (0 until measured).</summary>
    public double RttMs { get; init; }
    /// <summary>
    /// Every RTT reading reported since the last tick, oldest first (librist reports more often than the control
    /// ticks: the queue's course between ticks is what its slope is read from). Empty: <see cref="RttMs"/> at
    /// <see cref="ReportNanos"/> is the one reading.
    /// </summary>
    public ReadOnlyMemory<Platform.RttSample> RttSamples { get; init; }
    /// <summary>Keepalives per second we send on the link; the receiver answers each, which makes the round-trip loss measurable.</summary>
    public double KeepalivesPerSecond { get; init; }
    /// <summary>Radio quality from the modem, 0..1; 1 when unknown (no modem, stale reading).</summary>
    public double SignalFactor { get; init; }
    /// <summary>The link's configured weight (URL weight=): its relative preference, 1 by default.</summary>
    public double Preference { get; init; }
}

/// <summary>Everything the controller sees at one tick.</summary>
public readonly record struct BondingInput
{
    public long NowNanos { get; init; }
    /// <summary>Datagrams handed to the links since the start, cumulative.</summary>
    public long DatagramsSent { get; init; }
    /// <summary>The bit rate the source is set to now (what the encoder was told, or what the input carries).</summary>
    public double SourceBitrateBps { get; init; }
}
