namespace Ristbond.Bonding;

/// <summary>
/// Liveness from the receiver's RTCP: librist reports how many RTCP packets each link received per stats
/// interval, and a receiver sends several per second on every live path. Silence past <see cref="DeadAfterNanos"/>
/// takes a link out of rotation; the first RTCP after that brings it back. Pure: time comes in the observation.
/// </summary>
public static class LinkLiveness
{
    /// <summary>RTCP silence after which a link is dead (BELABOX needs 4-5 s; a RIST receiver answers every ~100 ms).</summary>
    public const long DeadAfterNanos = 500_000_000;

    public static LinkState StateOf(in LinkObservation link)
    {
        if (link.LastRtcpNanos == 0)
            return LinkState.Connecting;
        return link.NowNanos - link.LastRtcpNanos > DeadAfterNanos ? LinkState.Dead : LinkState.Live;
    }
}
