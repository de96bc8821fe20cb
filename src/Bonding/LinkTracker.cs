namespace Ristbond.Bonding;

/// <summary>
/// Everything the controller knows about one link, in the order of the control stages (README): what it measured
/// of the link alone (<see cref="Estimate"/>: RTT and queue, answers, capacity), how it judges the link
/// (<see cref="Judge"/>: loss, health, state) and the share it planned for it.
/// </summary>
public sealed class LinkTracker
{
    /// <summary>Retransmissions above this share of what a link is sent are a burst (another link's losses), not its load.</summary>
    const double RetransmitBurstShare = 0.2;
    /// <summary>
    /// Time constants of <see cref="RetransmitTrendBps"/>. It falls within a second or two: the receiver moves its NACKs
    /// to whichever link shows the lowest RTT, from moment to moment on links of near-equal RTT, and room kept for
    /// 3 s on the link that had them pushed the stream onto another (tbf-step with video over kernel links: that link
    /// queued past the NACK wait, 73% of the capacity delivered; 93% with 1.5 s).
    /// </summary>
    const double RetransmitTrendRiseSeconds = 0.5, RetransmitTrendFallSeconds = 1.5;
    /// <summary>librist's smoothed RTT starts at 0 and climbs for a few hundred ms: a new link's first samples would give a base far too low.</summary>
    const long RttSettleNanos = 700_000_000;
    /// <summary>
    /// A queue this long is ours and can lose: librist's smoothed RTT shows a fast-building queue late and short, so
    /// by the time it reads this the real one is past the receiver's reorder window (spread + 100 ms) or a buffer.
    /// </summary>
    const double OwnLossQueueMs = 50;
    /// <summary>How long after a standing queue its loss can still come in: reorder buffer, NACK's trip, stats interval, tick, the loss filter.</summary>
    const long OwnLossLagNanos = 1_000_000_000;
    /// <summary>A share of the stream too small for the link's retransmissions to show its loss within the loss filter.</summary>
    const double SliverShare = 0.05;
    /// <summary>How long a link that lost with no queue of ours stays one whose loss is its own, queue or not.</summary>
    const long LossyMemoryNanos = 5_000_000_000;

    readonly BondingOptions _options;
    /// <summary>Each dip in a row holds the rise back longer (as route flap damping does), up to this many times <see cref="BondingOptions.HealthRiseAfterDipNanos"/>.</summary>
    const double MaxRiseHoldFactor = 4;
    /// <summary>Ticks of health and drain kept: the longest hold, 4 × 5 s, at 100 ms ticks, and some.</summary>
    const int HistoryTicks = 256;
    readonly RecentMinimum _recentHealth = new(HistoryTicks);
    readonly RecentMinimum _recentDrain = new(HistoryTicks);
    LinkObservation _last;
    bool _hasLast;
    long _aliveSinceNanos = long.MaxValue / 2;
    long _queueHighAtNanos = long.MinValue / 2;
    long _lostOnItsOwnAtNanos = long.MinValue / 2;

    public LinkTracker(string name, BondingOptions options, double initialCapacityBps)
    {
        Name = name;
        _options = options;
        Rtt = new RttTracker(options);
        Capacity = new CapacityEstimator(options, initialCapacityBps);
        States = new LinkStateMachine(options);
    }

    public string Name { get; }
    /// <summary>When the controller started tracking the link (its first observation).</summary>
    public long AddedNanos { get; private set; } = long.MinValue;
    public LinkObservation Last => _last;

    // ---- Stage 1: the link on its own ---------------------------------------------------------------------

    public RttTracker Rtt { get; }
    public CapacityEstimator Capacity { get; }
    public AnswerMeter Answers { get; } = new();
    /// <summary>TS payload bits/s of first transmissions on the link over the last tick (its share of the stream).</summary>
    public double DataRateBps { get; private set; }
    public double RetransmitRateBps { get; private set; }
    /// <summary>
    /// Retransmissions the link carries as a matter of course, bits/s: up within a few ticks, down over seconds. A
    /// receiver NACKs what it has not seen a moment after a later packet came by another link (librist 0.2.11 waits
    /// half the faster link's RTT whatever its reorder buffer says), so links of unequal delay cost a steady stream of
    /// retransmissions, all on the link the receiver NACKs by: load like any other, which the plan must leave room for.
    /// </summary>
    public double RetransmitTrendBps { get; private set; }
    /// <summary>Both: what the link was sent.</summary>
    public double SendRateBps => DataRateBps + RetransmitRateBps;
    public double SignalFactor { get; private set; } = 1;

    /// <summary>Takes one tick's readings. <paramref name="streamBps"/> is the stream's payload rate over the tick.</summary>
    /// <param name="deadLinkBurst">Another link died a moment ago: its part and its retransmissions land here at once.</param>
    /// <remarks>Either that or a burst of retransmissions on this link: its queue is the burst passing, and only one at the buffer's limit is acted on.</remarks>
    public void Estimate(in LinkObservation now, long nowNanos, double seconds, double streamBps, bool deadLinkBurst = false)
    {
        SignalFactor = now.SignalFactor <= 0 ? 1 : Math.Min(1, now.SignalFactor);
        if (!_hasLast)
        {
            AddedNanos = nowNanos;
            _last = now;
            _hasLast = true;
            return;
        }
        long retransmitted = now.RetransmittedPackets - _last.RetransmittedPackets;
        RetransmitRateBps = retransmitted * _options.DatagramBytes * 8 / seconds;
        // A dead link's retransmissions are a burst that is over once they are sent, and those of a queue past the
        // target are its late packets sent again, over once it drains: not a trend (taken as one, a storm's kept the
        // stream down for seconds after it ended).
        if (RetransmitRateBps <= RetransmitTrendBps || (!deadLinkBurst && Rtt.QueueDelayMs <= _options.QueueTargetMs))
        {
            double trendSeconds = RetransmitRateBps > RetransmitTrendBps ? RetransmitTrendRiseSeconds : RetransmitTrendFallSeconds;
            RetransmitTrendBps += (RetransmitRateBps - RetransmitTrendBps) * Math.Min(1, seconds / trendSeconds);
        }
        DataRateBps = Share * streamBps;
        double reportSeconds = (now.ReportNanos - _last.ReportNanos) / 1e9;
        if (reportSeconds > 0)
        {
            AddRttSamples(now, nowNanos);
            if (now.KeepalivesPerSecond > 0 && State.CarriesTraffic())
                Answers.Add(nowNanos, now.ReportNanos, now.ReceivedPackets, now.RttMs, now.KeepalivesPerSecond, reportSeconds, now.RetransmittedPackets);
            _last = now; // no new report: _last stays, so the next delta spans both ticks
        }
        // A burst of retransmissions (another link's losses, all sent here) builds a queue that passes with it; the
        // steady ones of unequal delays are load, and the link is measured with them.
        bool retransmitBurst = RetransmitRateBps > RetransmitBurstShare * SendRateBps && RetransmitRateBps > 2 * RetransmitTrendBps;
        Capacity.Update(SendRateBps, PlannedShare * streamBps + RetransmitRateBps, Rtt, State.CarriesTraffic(), nowNanos, seconds, Answers.RecentRatio, deadLinkBurst || retransmitBurst);
    }

    void AddRttSamples(in LinkObservation now, long nowNanos)
    {
        if (now.ReceivedPackets == _last.ReceivedPackets || nowNanos - _aliveSinceNanos <= RttSettleNanos)
            return;
        ReadOnlySpan<Platform.RttSample> samples = now.RttSamples.Span;
        if (samples.IsEmpty)
            Rtt.Add(now.RttMs, now.ReportNanos);
        foreach (Platform.RttSample sample in samples)
            Rtt.Add(sample.Ms, sample.Nanos);
    }

    // ---- Stage 2: judged against the others ---------------------------------------------------------------

    public LinkStateMachine States { get; }
    public LinkState State => States.State;
    /// <summary>Retransmissions attributed to this link per datagram it was sent, smoothed (see <see cref="LossAttribution"/>).</summary>
    public double AttributedLoss { get; set; }
    /// <summary>Estimated loss of the link (0..1): its part of the stream's retransmissions beyond what every link shows alike.</summary>
    public double Loss { get; private set; }
    /// <summary>0..1: how much of its capacity the link is given (loss, round-trip time, the modem's signal).</summary>
    public double Health { get; private set; } = 1;
    /// <summary>The health the share uses: the worst of the last moments (longer after a dip), so a fall cuts the share at once and a recovery must last.</summary>
    public double WeightHealth { get; private set; } = 1;
    /// <summary>The drain factor the share uses (see <see cref="DrainFactor"/>), held down like <see cref="WeightHealth"/>.</summary>
    public double WeightDrain { get; private set; } = 1;

    /// <summary>
    /// 1 while the queue is under the target; down by <see cref="BondingOptions.DrainPer100Ms"/> per 100 ms past it, to
    /// half at most: the estimate says what the link carries, and sending under that empties a standing queue
    /// before its packets come too late for the receiver's reorder window (late, they are NACKed, and their
    /// retransmissions, all on the NACK link, overload that one in turn).
    /// </summary>
    public double DrainFactor()
    {
        double excess = Rtt.QueueDelayMs - _options.QueueTargetMs;
        return excess <= 0 ? 1 : Math.Max(MinDrainFactor, 1 - _options.DrainPer100Ms * excess / 100);
    }

    /// <summary>The least a draining link is planned at, of what it carries: it must keep being measured.</summary>
    const double MinDrainFactor = 0.5;

    /// <summary>When the link was last declared dead (<see cref="long.MinValue"/> if never).</summary>
    public long DiedAtNanos { get; private set; } = long.MinValue;
    /// <summary>The share of the stream it carried then: what it lost in its silence comes back as retransmissions.</summary>
    public double ShareAtDeath { get; private set; }

    /// <param name="expectedRatio">What a sound link answers (the links compared: <see cref="BondingController"/>).</param>
    /// <param name="commonLoss">The attributed loss every link shows alike: nobody's.</param>
    /// <param name="anotherLinkDied">Another link died a moment ago: a dip now is the burst of its part landing here, not this link flapping.</param>
    /// <returns>True if the state changed.</returns>
    public bool Judge(long nowNanos, double expectedRatio, double commonLoss, double deadband, bool anotherLinkDied)
    {
        if (State.CarriesTraffic())
        {
            Loss = Math.Max(0, AttributedLoss - commonLoss);
            // A degraded link, or one given a sliver of the stream, carries too little data to be judged by
            // retransmissions: its keepalives count directly (judged by data alone, a flapping link held to a sliver
            // lost nothing in its bad seconds, and had its share back between two of them).
            if (State == LinkState.Degraded || Share < SliverShare)
                Loss = Math.Max(Loss, Answers.Deficit(expectedRatio) - deadband);
        }
        // Loss that comes with a long queue is our overload (tail drop, packets late for the receiver's reorder window):
        // the capacity the queue measured corrects it, and counted again in health it would take the link's share for
        // seconds as well. Loss on a link without one is the link's.
        // Ours: fed by what we sent (seen building, while the plan filled the link), not a step in the path's delay,
        // which loses nothing by itself (a link whose delay and loss rise together, given a fraction of its estimate,
        // had its loss excused by the step and its share restored between every two bad seconds).
        // A link seen losing with no such queue loses on its own: for a while its loss counts, queue or not, or a
        // lossy link would hide its loss behind each of its probes' queues.
        if (Rtt.QueueDelayMs >= OwnLossQueueMs && nowNanos - Capacity.FedQueueAtNanos < OwnLossLagNanos && Capacity.Filled)
            _queueHighAtNanos = nowNanos;
        bool overloaded = nowNanos - _queueHighAtNanos < OwnLossLagNanos;
        if (!overloaded && Loss > _options.LossSoft)
            _lostOnItsOwnAtNanos = nowNanos;
        bool ownLoss = overloaded && nowNanos - _lostOnItsOwnAtNanos > LossyMemoryNanos;
        double previous = Health;
        Health = LinkHealth.Combine(LinkHealth.LossFactor(ownLoss ? 0 : Loss, _options), LinkHealth.RttFactor(Rtt.LatestMs, _options), SignalFactor);
        // A fall must last two ticks to move the share or count as a dip (one tick's reading of loss is a handful of
        // retransmissions, and a single clump of them is noise, not a link getting worse), unless it is a deep one.
        double sustained = Health < _options.DegradedBelow ? Health : Math.Max(Health, previous);
        _recentHealth.Add(sustained, nowNanos);
        long window = State == LinkState.Degraded ? _options.RecoverAfterNanos * 2
            : States.FlapPenalty >= 0.5 ? (long)(_options.HealthRiseAfterDipNanos * Math.Clamp(States.FlapPenalty, 1, MaxRiseHoldFactor))
            : _options.HealthRiseDelayNanos;
        WeightHealth = Math.Min(sustained, _recentHealth.Minimum(nowNanos - window));
        // The drain of a queue past the target (stage 3) follows the same rule: down at once, up once it has held. A
        // link whose delay jumps and falls back every second (a marginal radio) would otherwise have its share cut and
        // restored every second.
        _recentDrain.Add(DrainFactor(), nowNanos);
        WeightDrain = Math.Min(DrainFactor(), _recentDrain.Minimum(nowNanos - window));

        LinkState before = State;
        if (!States.Update(nowNanos, _last.LastRtcpNanos, anotherLinkDied && before != LinkState.Dead ? 1 : sustained, Rtt.QueueDelayMs))
            return false;
        if (State == LinkState.Dead)
        {
            DiedAtNanos = nowNanos;
            ShareAtDeath = Share;
        }
        if (State == LinkState.Probing)
        {
            _aliveSinceNanos = nowNanos;
            if (before == LinkState.Dead)
                Capacity.Revive();
        }
        if (State is LinkState.Dead or LinkState.Probing)
        {
            Rtt.ResetTrend();
            Answers.Reset();
            Loss = 0;
            AttributedLoss = 0;
        }
        return true;
    }

    // ---- Stage 3: planned ---------------------------------------------------------------------------------

    /// <summary>The share of the stream the link was last given (what its weight is of all weights).</summary>
    public double Share { get; set; }
    /// <summary>The share the plan meant to give it, before librist's integer weights rounded it.</summary>
    public double PlannedShare { get; set; }
}
