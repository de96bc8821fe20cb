namespace Ristbond.Bonding;

/// <summary>
/// Stage 3: what each link is planned to carry, and so its share of the stream. A link in rotation may carry its
/// capacity estimate less the headroom (the estimate runs that far ahead: it is the probe), times the health its
/// weight follows, times its configured preference; the lowest-RTT link keeps a reserve for the retransmissions
/// that all come to it. A link with a queue past the target is planned lower until it drains (and the stream with
/// it: the others have no room to take its part); a probing link gets
/// a trial share; a degraded one wins no share back while a live link can carry it. Pure: no I/O, no clock.
/// </summary>
public sealed class SharePlanner(BondingOptions options)
{
    /// <summary>
    /// What a link is planned to carry now, bits/s: capacity less headroom and the retransmission reserve, times
    /// <paramref name="health"/>, times its drain while its queue is past the target. Both its share and the
    /// recommendation are made of this, so a link draining sheds its part of the stream rather than pass it to the
    /// others, which run as near their capacity as it does (passed on, it built their queues in turn).
    /// </summary>
    public double Carries(LinkTracker link, LinkTracker? nackLink, int linkCount, bool deadLinkBurst, double health)
    {
        double capacity = link.Capacity.EstimateBps;
        return Math.Max(0, capacity * (1 - options.Headroom) - Reserve(link, nackLink, linkCount, capacity, deadLinkBurst)) * health * link.WeightDrain;
    }

    /// <summary>The shares to plan, one per link in <paramref name="links"/> order: null for a copy link (weight 0), 0 for one out of rotation.</summary>
    public void Plan(IReadOnlyList<LinkTracker> links, ReadOnlySpan<double> preferences, LinkTracker? nackLink, bool deadLinkBurst,
        WeightPlanner weights, Span<double?> shares)
    {
        Span<double> raw = stackalloc double[Math.Min(links.Count, 64)];
        if (raw.Length < links.Count)
            raw = new double[links.Count];
        double total = 0;
        for (int i = 0; i < links.Count; i++)
        {
            LinkTracker link = links[i];
            // A floor under health keeps the split proportional when every link is sick at once: all at weight 1 would
            // give a dead link, also at 1, an equal part of the stream.
            double merit = options.Adaptive
                ? Math.Max(options.MinCapacityBps, Carries(link, nackLink, links.Count, deadLinkBurst, Math.Max(0.02, link.WeightHealth)))
                : 1;
            raw[i] = link.State.CarriesTraffic() && preferences[i] > 0 ? merit * preferences[i] : 0;
            total += raw[i];
        }
        bool anyLive = false;
        foreach (LinkTracker link in links)
            anyLive |= link.State == LinkState.Live;
        for (int i = 0; i < links.Count; i++)
        {
            LinkTracker link = links[i];
            if (preferences[i] == 0)
            {
                shares[i] = null;
                continue;
            }
            double share = total > 0 ? raw[i] / total : 0;
            if (options.Adaptive && link.State == LinkState.Probing)
                share = Math.Min(share, options.ProbingShare);
            // A degraded link does not win share back until it has recovered (live again), nor does one whose health
            // has come back while its weight still waits out its dip: on a marginal link either would reverse its
            // weight every time its health bounces, or whenever another link's estimate moves. Unless no live link is
            // left to carry the rest.
            bool held = link.State == LinkState.Degraded || link.WeightHealth < link.Health - 0.05;
            if (options.Adaptive && held && anyLive)
                share = Math.Min(share, (double)weights.WeightOf(link.Name) / options.WeightScale);
            shares[i] = share;
        }
    }

    /// <summary>
    /// Kept for retransmissions, which leave by the link that got the NACK: on every link, what it retransmits as a
    /// matter of course (<see cref="LinkTracker.RetransmitTrendBps"/>) and a quarter more; on the NACK link at least
    /// <see cref="BondingOptions.RetransmitReserve"/> of it. Never more than <see cref="MaxReserve"/> of a link, so the
    /// NACK link stays in the split, and while the retransmissions are a dead link's, a burst that is over rather than
    /// a trend, only the plain reserve (room for those is kept in the bitrate instead).
    /// </summary>
    double Reserve(LinkTracker link, LinkTracker? nackLink, int linkCount, double capacity, bool deadLinkBurst)
    {
        if (linkCount < 2)
            return 0;
        double reserve = link == nackLink ? options.RetransmitReserve * capacity : 0;
        return deadLinkBurst ? reserve : Math.Min(MaxReserve * capacity, Math.Max(reserve, 1.25 * link.RetransmitTrendBps));
    }

    /// <summary>The most of a link kept for retransmissions: beyond it the link is overloaded, and its queue moves the receiver's NACKs to another.</summary>
    const double MaxReserve = 0.8;
}
