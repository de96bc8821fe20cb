namespace Ristbond.Bonding;

/// <summary>
/// Everything the controller knows about one link, updated once per tick from the link's cumulative counters:
/// RTT and queueing delay, the RTCP answer rate (its round-trip loss), capacity, health and state.
/// </summary>
public sealed class LinkTracker
{
    readonly BondingOptions _options;
    LinkObservation _last;
    bool _hasLast;
    readonly RecentMinimum _worstHealth = new(64);
    double _answerRatio;       // RTCP answers (less NACKs) per keepalive sent, over the last half second
    readonly CounterWindow _answers = new(AnswerWindowNanos);
    readonly CounterWindow _rttMicros = new(AnswerWindowNanos); // sampled with the answers: its slope is the RTT's change
    double _answerPeak;        // the best ratio this link has shown, fading slowly: the reference when alone

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
    public RttTracker Rtt { get; }
    public CapacityEstimator Capacity { get; }
    public LinkStateMachine States { get; }
    public LinkState State => States.State;
    public LinkObservation Last => _last;

    /// <summary>Estimated round-trip loss of the link (0..1), from the answers to our keepalives.</summary>
    public double Loss { get; private set; }
    public double Health { get; private set; } = 1;
    /// <summary>
    /// The health the weight uses: the worst of the last moments (half a second; several seconds while degraded).
    /// A fall cuts the weight at once; a recovery must last before the weight follows it up.
    /// </summary>
    public double WeightHealth { get; private set; } = 1;
    public double SignalFactor { get; private set; } = 1;
    /// <summary>TS payload bits/s sent on the link over the last tick (its share of the input, plus retransmissions).</summary>
    public double SendRateBps { get; private set; }
    public double RetransmitRateBps { get; private set; }
    /// <summary>TS payload bits/s of first transmissions on the link over the last tick (its share of the input).</summary>
    public double DataRateBps { get; private set; }
    /// <summary>The share of the stream the link was last given.</summary>
    public double Share { get; set; }
    /// <summary>Answers to keepalives per keepalive, this tick's smoothed value (the loss meter's input).</summary>
    public double AnswerRatio => _answerRatio;
    public double AnswerPeak => _answerPeak;

    /// <summary>Takes one tick's counters. <paramref name="inputBps"/> is the stream's payload rate over the tick.</summary>
    public void Observe(in LinkObservation now, long nowNanos, double seconds, double inputBps)
    {
        SignalFactor = now.SignalFactor <= 0 ? 1 : Math.Min(1, now.SignalFactor);
        if (!_hasLast)
        {
            AddedNanos = nowNanos;
            _last = now;
            _hasLast = true;
            return;
        }
        long answers = now.ReceivedPackets - _last.ReceivedPackets;
        long retransmitted = now.RetransmittedPackets - _last.RetransmittedPackets;
        double reportSeconds = (now.ReportNanos - _last.ReportNanos) / 1e9;
        RetransmitRateBps = retransmitted * _options.DatagramBytes * 8 / seconds;
        DataRateBps = Share * inputBps;
        SendRateBps = DataRateBps + RetransmitRateBps;
        if (reportSeconds <= 0)
            return; // no new report this tick: nothing new to learn (and _last stays, so the next delta spans both)
        // librist's smoothed RTT starts at 0 and climbs for a few hundred ms: while the link is new, its RTT
        // samples would give a base far too low and a queue that is not there.
        if (answers > 0 && now.RttMs > 0 && nowNanos - _aliveSinceNanos > RttSettleNanos)
            Rtt.Add(now.RttMs, nowNanos);

        // The receiver answers every keepalive on the link it came from. What is missing was lost on the way out
        // or back. Counted over 0.35 s of reports (over 0.5 s, 5% loss showed too late, bench adapt): librist's
        // report intervals stretch when its thread is busy, so single reports are noisy. The receiver's NACKs come in on one link (where the retransmissions
        // then leave) and are counted by librist with its answers; one NACK packet asks for several packets, so
        // that link's answers cannot be told apart while it retransmits: it is not measured then (taking out one
        // per retransmission made it look lossy whenever another link lost, bench adapt).
        if (retransmitted > 0)
            _retransmittedAtNanos = nowNanos;
        if (now.KeepalivesPerSecond > 0 && State.CarriesTraffic())
        {
            _answers.Add(now.ReportNanos, now.ReceivedPackets);
            if (now.RttMs > 0)
                _rttMicros.Add(now.ReportNanos, (long)(now.RttMs * 1000));
            else
                _rttMicros.Clear(); // librist's RTT before its first sample
            if (nowNanos - _retransmittedAtNanos < AnswerWindowNanos + 200_000_000)
                _answerRatio = 0; // not measured: see above
            else if (_answers.TryRate(out double answersPerSecond))
            {
                // The answers that came in over the window were sent one RTT before: while a queue builds, fewer
                // keepalives were sent in that span than the window is long, and while it drains more. Uncorrected, a
                // probe's queue read as loss and its drain hid 5% real loss for half a second (bench adapt, loss).
                double sentPerAnswerSecond = _rttMicros.TryRate(out double rttMicrosPerSecond) ? Math.Clamp(1 - rttMicrosPerSecond / 1e6, 0.8, 1.25) : 1;
                _answerRatio = answersPerSecond / (now.KeepalivesPerSecond * sentPerAnswerSecond);
                _answerPeak = Math.Max(_answerPeak * (1 - 0.002 * reportSeconds), _answerRatio);
            }
        }
        _last = now;
    }

    const long AnswerWindowNanos = 350_000_000;
    long _retransmittedAtNanos = long.MinValue / 2;

    const long RttSettleNanos = 700_000_000;
    long _aliveSinceNanos = long.MaxValue / 2;

    /// <summary>Round-trip loss of this link's keepalives against <paramref name="expectedRatio"/> (what a sound link answers); unfiltered beyond the answer ratio.</summary>
    public double AnswerDeficit(double expectedRatio) =>
        State.CarriesTraffic() && expectedRatio > 0 && _answerRatio > 0 ? Math.Max(0, 1 - _answerRatio / expectedRatio) : 0;

    /// <summary>Retransmissions attributed to this link per datagram it was sent, smoothed (see <see cref="LossAttribution"/>).</summary>
    public double AttributedLoss { get; set; }

    /// <summary>
    /// The link's loss: its share of the stream's retransmissions (real data lost, as precise as counting
    /// gets) beyond what every link shows alike. Where they are lost is told by the keepalive deficits
    /// (<see cref="LossAttribution"/>); with nothing retransmitted there is no loss to place, so noise in the
    /// answer counts cannot raise one. A degraded link carries too little data to be judged by retransmissions:
    /// its keepalive deficit counts directly (with little data on it, its answers are clean).
    /// </summary>
    public void UpdateLoss(double expectedRatio, double commonAttributedLoss, double deadband)
    {
        if (!State.CarriesTraffic())
            return;
        Loss = Math.Max(0, AttributedLoss - commonAttributedLoss);
        // Over half a second, not longer: a window longer than a flap would average the flapping away.
        if (State == LinkState.Degraded)
            Loss = Math.Max(Loss, AnswerDeficit(expectedRatio) - deadband);
    }

    /// <param name="anotherLinkDied">Another link died a moment ago and this one takes its part: a queue now is that
    /// burst (and its retransmissions), not proof that this link carries less than it has shown.</param>
    public void UpdateCapacityAndHealth(long nowNanos, double seconds, double systemLoad, bool anotherLinkDied = false)
    {
        double verifiedBefore = Capacity.VerifiedBps;
        // First transmissions only: retransmissions come in bursts (all of them on the NACK link), and a burst that
        // happened not to queue proves nothing about what the link carries steadily.
        Capacity.Update(DataRateBps, Rtt, State.CarriesTraffic(), nowNanos, seconds, systemLoad, anotherLinkDied ? Capacity.VerifiedBps : 0);
        // A queue that builds while the link is sent more than it has verified is our probe's overload, and the
        // estimate's cut just made corrects it; so is the loss that comes of it (tail drop, or packets so late the
        // receiver gave up on them). Counted in health as well, one probe that found the largest link's capacity
        // took its whole share and the bitrate down for seconds (bench adapt, aggregation). A link that queues or
        // loses at a rate it has carried before has got worse, and its health says so (bench adapt, flapping).
        // Whether it was sent more than it verified is judged before a queue shows, not after: the cut lowers what
        // it has verified, and the rate it is still sent for a moment would look like a probe.
        bool queueing = nowNanos - _congestedAtNanos < _options.CutIntervalNanos * 2;
        if (!queueing && DataRateBps > verifiedBefore * 1.02)
            _probedAtNanos = nowNanos;
        if (Capacity.Congested)
        {
            _congestedAtNanos = nowNanos;
            if (nowNanos - _probedAtNanos < _options.CutIntervalNanos * 2)
                _overloadedAtNanos = nowNanos;
        }
        bool ownOverload = nowNanos - _overloadedAtNanos < _options.CutIntervalNanos * 2;
        // Our probe's loss comes of a queue long enough to tail-drop or to make packets late, and shows in the
        // retransmissions a receiver's reorder buffer and a round trip later. Packets are late past the reorder
        // buffer, which the README has receivers set to the spread of the links' delays + 100 ms (QueueMaxMs); the
        // queue seen through librist's smoothed RTT lags the real one, hence three quarters of it. Below that, loss
        // is the link's own: masked after any probe queue, a link that began to lose 5% kept its share 0.3 s
        // longer (bench adapt, loss).
        if (Rtt.QueueDelayMs >= _options.QueueMaxMs * 0.75)
            _queueHighAtNanos = nowNanos;
        bool ownLoss = ownOverload && nowNanos - _queueHighAtNanos < OwnLossLagNanos;
        _lossFactor = LinkHealth.LossFactor(ownLoss ? 0 : Loss, _options);
        // A queue past the point where the estimator drains it (QueueMaxMs) counts whoever caused it: its late
        // packets are beyond most receivers' reorder windows. The RTT limit always counts.
        bool ownQueue = ownOverload && Rtt.QueueDelayMs <= _options.QueueMaxMs;
        DelayFactor = LinkHealth.DelayFactor(Rtt.LatestMs, ownQueue ? 0 : Rtt.QueueDelayMs, _options);
        Health = LinkHealth.Combine(_lossFactor, DelayFactor, SignalFactor);
    }

    double _lossFactor = 1;
    /// <summary>How long after a long queue its loss can still come in: reorder buffer, NACK's trip, stats interval, tick.</summary>
    const long OwnLossLagNanos = 500_000_000;
    long _queueHighAtNanos = long.MinValue / 2;
    long _probedAtNanos = long.MinValue / 2;
    long _congestedAtNanos = long.MinValue / 2;
    long _overloadedAtNanos = long.MinValue / 2;

    /// <summary>The delay part of <see cref="Health"/> (queue and RTT).</summary>
    public double DelayFactor { get; private set; } = 1;

    /// <summary>
    /// The health the link is judged by against the others (its share, its state): its delay factor counts only as
    /// far as it is worse than the best link's. When every link queues at once the stream is too fast for all of
    /// them, which is the bitrate's to fix (it follows <see cref="Health"/>); moving shares about then only
    /// overloaded whichever link looked a little better, and the flap penalty degraded them all (bench adapt).
    /// </summary>
    public double RelativeHealth { get; private set; } = 1;

    /// <param name="bestDelayFactor">The highest <see cref="DelayFactor"/> among the links in rotation.</param>
    public void UpdateRelativeHealth(long nowNanos, double bestDelayFactor)
    {
        double delay = bestDelayFactor > 0 ? Math.Min(1, DelayFactor / bestDelayFactor) : DelayFactor;
        RelativeHealth = LinkHealth.Combine(_lossFactor, delay, SignalFactor);
        _worstHealth.Add(RelativeHealth, nowNanos);
        // A link that dipped lately (a marginal one) must stay good longer before its weight follows: that is what
        // bounds the reversals of its weight.
        long window = State == LinkState.Degraded ? _options.RecoverAfterNanos * 2
            : States.FlapPenalty >= 0.5 ? _options.HealthRiseAfterDipNanos : _options.HealthRiseDelayNanos;
        WeightHealth = Math.Min(RelativeHealth, _worstHealth.Minimum(nowNanos - window));
        if (WeightHealth >= _options.DipBelow)
            ShedSinceNanos = long.MinValue;
        else if (ShedSinceNanos == long.MinValue)
            ShedSinceNanos = nowNanos;
    }

    /// <summary>When the link's weight health last fell under <see cref="BondingOptions.DipBelow"/> and it began to shed its share (<see cref="long.MinValue"/> while it is above).</summary>
    public long ShedSinceNanos { get; private set; } = long.MinValue;

    /// <summary>The link is handing its share to the others right now (see <see cref="BondingOptions.TakeOverNanos"/>).</summary>
    public bool Shedding(long nowNanos) => State.CarriesTraffic() && ShedSinceNanos != long.MinValue && nowNanos - ShedSinceNanos < _options.TakeOverNanos;

    /// <summary>When the link was last declared dead (<see cref="long.MinValue"/> if never).</summary>
    public long DiedAtNanos { get; private set; } = long.MinValue;

    /// <summary>Moves the state machine on; a link that died forgets its RTT trend.</summary>
    /// <param name="anotherLinkDied">See <see cref="UpdateCapacityAndHealth"/>: a dip of health now is not this link flapping.</param>
    public bool UpdateState(long nowNanos, bool anotherLinkDied = false)
    {
        bool changed = States.Update(nowNanos, _last.LastRtcpNanos, anotherLinkDied && State != LinkState.Dead ? 1 : RelativeHealth);
        if (changed && State == LinkState.Dead)
            DiedAtNanos = nowNanos;
        if (changed && State == LinkState.Probing)
            _aliveSinceNanos = nowNanos;
        if (changed && State is LinkState.Dead or LinkState.Probing)
        {
            Rtt.ResetTrend();
            Loss = 0;
            AttributedLoss = 0;
            _answerRatio = 0;
            _answers.Clear();
            _rttMicros.Clear();
        }
        return changed;
    }
}
