namespace Ristbond.Bonding;

/// <summary>
/// The bonding control loop's logic, without I/O, threads or clock: each tick takes the links' cumulative counters
/// and the time, and returns each link's state, capacity, health and librist weight, and the bitrate to
/// recommend to the encoder. Weight = capacity × health × the link's configured preference; capacity from
/// queueing delay; loss from the answers to keepalives on each link; see <see cref="BondingOptions"/>.
/// </summary>
public sealed class BondingController
{
    BondingOptions _options;
    readonly List<LinkTracker> _links = [];
    readonly List<LinkTracker> _unprimed = [];
    readonly WeightPlanner _weights;
    readonly RateController _rate;
    long _lastNow = long.MinValue;
    long _lastDatagrams;
    double _aggregateLoss;
    double _lastUsable;
    long _startedAt = long.MaxValue;
    bool _deadLinksLosses;

    public BondingController(BondingOptions options, double startBitrateBps)
    {
        _options = options;
        _weights = new WeightPlanner(options);
        _rate = new RateController(options, startBitrateBps);
    }

    public BondingOptions Options => _options;

    /// <summary>Changes the range of the recommendation while running (an operator's limits, a configuration reload).</summary>
    public void SetBitrateLimits(double minBps, double maxBps)
    {
        _options = _options with { MinBitrateBps = minBps, MaxBitrateBps = Math.Max(minBps, maxBps) };
        _rate.SetLimits(_options.MinBitrateBps, _options.MaxBitrateBps);
    }
    public double RecommendedBitrateBps => _rate.RecommendedBps;
    public IReadOnlyList<LinkTracker> Links => _links;

    /// <summary>
    /// Starts tracking a link. Its capacity is assumed to be <paramref name="initialCapacityBps"/> (a prior, e.g.
    /// from the modem's signal) or else an equal part of the recommended bitrate, until it shows otherwise.
    /// </summary>
    public LinkTracker AddLink(string name, double? initialCapacityBps = null)
    {
        if (_links.Any(l => l.Name == name))
            throw new ArgumentException($"link '{name}' is already tracked", nameof(name));
        var tracker = new LinkTracker(name, _options, initialCapacityBps ?? 0);
        if (initialCapacityBps is null)
            _unprimed.Add(tracker);
        _links.Add(tracker);
        return tracker;
    }

    public void RemoveLink(string name)
    {
        _links.RemoveAll(l => l.Name == name);
        _unprimed.RemoveAll(l => l.Name == name);
        _weights.Forget(name);
    }

    public BondingDecision Update(in BondingInput input, ReadOnlySpan<(string Name, LinkObservation Observation)> observations)
    {
        long now = input.NowNanos;
        double seconds = _lastNow == long.MinValue ? 0.1 : Math.Max(0.001, (now - _lastNow) / 1e9);
        _lastNow = now;
        long datagrams = input.DatagramsSent - _lastDatagrams;
        _lastDatagrams = input.DatagramsSent;
        double inputBps = datagrams * _options.DatagramBytes * 8 / seconds;

        PrimeNewLinks();
        long retransmitted = 0;
        foreach (var (name, observation) in observations)
        {
            LinkTracker? link = Find(name);
            if (link is null)
                continue;
            retransmitted += observation.RetransmittedPackets - link.Last.RetransmittedPackets;
            link.Observe(observation, now, seconds, inputBps);
        }
        // What a link lost before it was found dead is retransmitted afterwards over the others: its loss, already
        // acted on by taking it out, not theirs nor the stream's.
        bool deadLinksLosses = RecentlyDied(now);
        if (!deadLinksLosses)
            UpdateAggregateLoss(retransmitted, datagrams, seconds);

        double expected = ExpectedAnswerRatio(out int measured);
        // Against a single other link a deficit is the difference of two noisy ratios: √2 times the noise of one.
        // With the deadband of one, loss on every link alike was pinned on one of them (SimulatedNetwork with
        // answers a round trip late).
        double deadband = _options.LossDeadband * (measured == 2 ? Math.Sqrt(2) : 1);
        if (!deadLinksLosses)
            LossAttribution.Attribute(_links, expected, deadband, retransmitted, datagrams, seconds, _options);
        double common = LossAttribution.Common(_links);
        var transitions = new List<LinkTransition>();
        double bestDelayFactor = 0;
        foreach (LinkTracker link in _links)
        {
            link.UpdateLoss(expected, common, deadband);
            link.UpdateCapacityAndHealth(now, seconds, _lastUsable > 0 ? input.SourceBitrateBps / _lastUsable : 1, deadLinksLosses);
            if (link.State.CarriesTraffic())
                bestDelayFactor = Math.Max(bestDelayFactor, link.DelayFactor);
        }
        foreach (LinkTracker link in _links)
        {
            link.UpdateRelativeHealth(now, bestDelayFactor);
            LinkState before = link.State;
            if (link.UpdateState(now, deadLinksLosses))
                transitions.Add(new LinkTransition(link.Name, before, link.State));
        }

        LinkTracker? nackLink = NackLink();
        _deadLinksLosses = RecentlyDied(now); // including a link found dead just now
        bool weightsChanged = PlanWeights(observations, transitions, now, nackLink);
        // Just after a link died the others must carry its part at once: only what they have proven counts then,
        // not the probe in their estimates (a bitrate set on it would overload them all together).
        // So too while a link sheds its share because its health fell: the others take it on at once.
        bool stressed = _deadLinksLosses || _links.Any(l => l.Shedding(now));
        double usable = UsableCapacity(nackLink, now, proven: stressed);
        // And room for the dead link's retransmissions: what it lost in its silence comes back as NACKs, all on the
        // NACK link, within the receiver's buffer. Without that room, a link dying with the others nearly full set
        // off a retransmission storm on the NACK link and a few packets came too late (bench adapt, healed).
        if (_deadLinksLosses)
            usable *= 1 - _options.DeadLinkBurstAllowance;
        double proven = UsableCapacity(nackLink, now, proven: true);
        _lastUsable = usable;
        // With no link in rotation there is nothing to measure (not yet connected, or all dead), and while the
        // first links connect and probe one by one the first alone would look like all there is: the recommendation holds
        // rather than falling to the minimum and climbing back for half a minute.
        _startedAt = Math.Min(_startedAt, now);
        bool starting = now - _startedAt < _options.ConnectGraceNanos + _options.ProbingNanos
            && _links.Any(l => l.State is LinkState.Connecting or LinkState.Probing);
        // Links in rotation whose health is all gone do count: the stream must come down to the minimum then.
        bool anyInRotation = _links.Any(l => l.State.CarriesTraffic());
        // A link that has never filled is still finding its capacity: the recommendation may probe harder for it.
        bool discovering = !stressed && _links.Any(l => l.State.CarriesTraffic() && !l.Capacity.FoundCapacity);
        BondingEvent? announced = _options.Adaptive && (usable > 0 || anyInRotation) && !starting
            ? _rate.Update(usable, proven, _aggregateLoss, now, seconds, discovering) : null;
        return new BondingDecision
        {
            Links = [.. _links.Select(Describe)],
            RecommendedBitrateBps = _rate.RecommendedBps,
            UsableCapacityBps = usable,
            AggregateLoss = _aggregateLoss,
            Event = announced,
            WeightsChanged = weightsChanged,
            Transitions = transitions,
        };
    }

    bool RecentlyDied(long now)
    {
        foreach (LinkTracker link in _links)
        {
            if (link.DiedAtNanos != long.MinValue && now - link.DiedAtNanos < _options.DeadLinkRetransmitNanos)
                return true;
        }
        return false;
    }

    /// <summary>
    /// A link with no prior gets an equal part of the recommended bitrate (with a little optimism), counted over
    /// all links once they are all in, so the first ones added do not get the lion's share.
    /// </summary>
    void PrimeNewLinks()
    {
        if (_unprimed.Count == 0)
            return;
        double each = _rate.RecommendedBps / _links.Count * 1.1;
        foreach (LinkTracker link in _unprimed)
            link.Capacity.Prime(each);
        _unprimed.Clear();
    }

    /// <summary>
    /// The answer ratio a sound link shows: every link gets the same keepalives, so links are compared with each
    /// other. With three or more, the median (the best of several would be biased upward by noise, and make every
    /// other link look lossy); with two, the better; alone, a link is compared with its own best.
    /// </summary>
    double ExpectedAnswerRatio(out int measured)
    {
        Span<double> ratios = stackalloc double[Math.Min(_links.Count, 32)];
        measured = 0;
        LinkTracker? only = null;
        foreach (LinkTracker link in _links)
        {
            if (!link.State.CarriesTraffic() || link.AnswerRatio <= 0 || measured == ratios.Length)
                continue;
            ratios[measured++] = link.AnswerRatio;
            only = link;
        }
        if (measured == 0)
            return 0;
        if (measured == 1)
            return only!.AnswerPeak;
        ratios = ratios[..measured];
        ratios.Sort();
        return measured == 2 ? ratios[1] : ratios[measured / 2];
    }

    void UpdateAggregateLoss(long retransmitted, long datagrams, double seconds)
    {
        if (datagrams <= 0)
            return;
        double ratio = Math.Min(1, (double)retransmitted / datagrams);
        double alpha = Math.Min(1, seconds * 1e9 / _options.LossTimeConstantNanos);
        _aggregateLoss += alpha * (ratio - _aggregateLoss);
    }

    bool PlanWeights(ReadOnlySpan<(string Name, LinkObservation Observation)> observations, List<LinkTransition> transitions, long now, LinkTracker? nackLink)
    {
        Span<double> raw = _links.Count <= 32 ? stackalloc double[_links.Count] : new double[_links.Count];
        double total = 0;
        for (int i = 0; i < _links.Count; i++)
        {
            LinkTracker link = _links[i];
            double preference = PreferenceOf(observations, link.Name);
            // A floor under health keeps the split proportional when every link is sick at once (all overloaded):
            // all at weight 1 would give a dead link, also at 1, an equal part of the stream.
            double merit = _options.Adaptive ? EffectiveCapacity(link, nackLink) * Math.Max(0.02, link.WeightHealth) : 1;
            raw[i] = link.State.CarriesTraffic() && preference > 0 ? merit * preference : 0;
            total += raw[i];
        }
        var targets = new (string, double?, bool)[_links.Count];
        bool anyLive = _links.Any(l => l.State == LinkState.Live);
        for (int i = 0; i < _links.Count; i++)
        {
            LinkTracker link = _links[i];
            double? share = PreferenceOf(observations, link.Name) == 0 ? null : total > 0 ? raw[i] / total : 0;
            if (_options.Adaptive && link.State == LinkState.Probing && share > _options.ProbingShare)
                share = _options.ProbingShare;
            // A degraded link does not win share back until it has recovered (live again): on a marginal link that
            // is what would otherwise reverse its weight every time its health bounces. Unless no live link is left to
            // carry the rest: held at weight 1 beside a dead link at 1, it would leave the dead one a part of the stream.
            // So too a link whose health has come back but whose weight still waits out its dip (its weight health
            // lags): its share would otherwise rise whenever another link's estimate is cut, and fall back as that
            // one grows, reversing its weight every few seconds without anything having changed on it.
            bool held = link.State == LinkState.Degraded || link.WeightHealth < link.RelativeHealth - 0.05;
            if (_options.Adaptive && held && anyLive && share is double wanted)
                share = Math.Min(wanted, (double)_weights.WeightOf(link.Name) / _options.WeightScale);
            bool changed = false;
            foreach (LinkTransition t in transitions)
                changed |= t.Link == link.Name;
            targets[i] = (link.Name, share, changed);
        }
        bool anyChanged = _weights.Plan(targets);

        double weightTotal = 0;
        foreach (LinkTracker link in _links)
            weightTotal += _weights.WeightOf(link.Name);
        foreach (LinkTracker link in _links)
        {
            uint weight = _weights.WeightOf(link.Name);
            link.Share = weight == 0 ? 1 : weightTotal > 0 ? weight / weightTotal : 0;
        }
        return anyChanged;
    }

    /// <summary>
    /// The stream rate the links can carry with the weights as planned: no link may be sent more than its
    /// capacity × health, and a link gets its share of the stream, so the stream is bounded by the smallest
    /// capacity ÷ share. (Summing capacities would count links held at a small weight, degraded or rising
    /// cautiously, and overload the others.)
    /// </summary>
    /// <param name="proven">Count only what each link has verified (see <see cref="CapacityEstimator.UsableBps"/>), not the probe in its estimate.</param>
    double UsableCapacity(LinkTracker? nackLink, long now, bool proven)
    {
        double usable = double.MaxValue;
        double total = 0;
        foreach (LinkTracker link in _links)
        {
            if (link.State == LinkState.Connecting && now - link.AddedNanos < _options.ConnectGraceNanos)
            {
                total += link.Capacity.EstimateBps; // still connecting: its prior, not yet a loss of capacity
                continue;
            }
            if (!link.State.CarriesTraffic())
                continue;
            // Health as it is now, not the weights' slow-rising one: the shares already hold a recovering link
            // back, and counting it out twice kept the stream at the minimum while the links were fine (bench adapt).
            double capacity = link.Capacity.UsableBps(proven);
            double carries = capacity * link.Health;
            total += Math.Max(0, carries - Reserve(link, nackLink, capacity));
            // The bound is physical (what the link carries at its share); the retransmission reserve is in the
            // total. A link being shed (a share of a few percent) bounds nothing: its part is going elsewhere.
            if (link.Share >= 0.05 && link.Share < 1)
                usable = Math.Min(usable, carries / link.Share);
        }
        return total == 0 ? 0 : Math.Min(usable, total);
    }

    /// <summary>
    /// The link the receiver sends its NACKs on, so every retransmission leaves by it: the lowest RTT, as the
    /// receiver measures it and we do too.
    /// </summary>
    LinkTracker? NackLink()
    {
        LinkTracker? lowest = null;
        foreach (LinkTracker link in _links)
        {
            if (link.State.CarriesTraffic() && link.Rtt.HasSample && (lowest is null || link.Rtt.SmoothedMs < lowest.Rtt.SmoothedMs))
                lowest = link;
        }
        return lowest;
    }

    /// <summary>
    /// Capacity available for first transmissions: on the NACK link a reserve is kept for retransmissions (a
    /// loss burst on any link lands there), the larger of a tenth of it and twice what it retransmits now, except
    /// while the retransmissions are those of a link just found dead (a burst that is over, not a trend).
    /// </summary>
    double EffectiveCapacity(LinkTracker link, LinkTracker? nackLink)
    {
        // Shares on what each link had proven made the fastest link's probe wait for the others' (a link verifies
        // only what it is sent), and the stream climbed to its aggregate in half a minute (bench adapt: 66–76%).
        double capacity = link.Capacity.ShareBps;
        return Math.Max(_options.MinCapacityBps, capacity - Reserve(link, nackLink, capacity));
    }

    double Reserve(LinkTracker link, LinkTracker? nackLink, double capacity)
    {
        if (link != nackLink || _links.Count < 2)
            return 0;
        double reserve = _options.RetransmitReserve * capacity;
        // At most half of it: a burst of retransmissions (another link's loss) must not take the NACK link out of
        // the split, or its part lands on the others all at once while they are short already.
        return _deadLinksLosses ? reserve : Math.Min(0.5 * capacity, Math.Max(reserve, 2 * link.RetransmitRateBps));
    }

    static double PreferenceOf(ReadOnlySpan<(string Name, LinkObservation Observation)> observations, string name)
    {
        foreach (var (n, o) in observations)
        {
            if (n == name)
                return o.Preference;
        }
        return 1;
    }

    LinkTracker? Find(string name)
    {
        foreach (LinkTracker link in _links)
        {
            if (link.Name == name)
                return link;
        }
        return null;
    }

    LinkDecision Describe(LinkTracker link) => new()
    {
        Name = link.Name,
        State = link.State,
        Weight = _weights.WeightOf(link.Name),
        CapacityBps = link.Capacity.EstimateBps,
        Health = link.Health,
        Loss = link.Loss,
        QueueDelayMs = link.Rtt.QueueDelayMs,
        RttMs = link.Rtt.SmoothedMs,
        SendRateBps = link.SendRateBps,
    };
}

public readonly record struct LinkTransition(string Link, LinkState From, LinkState To);

public sealed record LinkDecision
{
    public required string Name { get; init; }
    public required LinkState State { get; init; }
    /// <summary>The librist weight: out of <see cref="BondingOptions.WeightScale"/>; 1 = out of rotation; 0 = copy of every packet.</summary>
    public required uint Weight { get; init; }
    public required double CapacityBps { get; init; }
    public required double Health { get; init; }
    public required double Loss { get; init; }
    public required double QueueDelayMs { get; init; }
    public required double RttMs { get; init; }
    public required double SendRateBps { get; init; }
}

public sealed record BondingDecision
{
    public required IReadOnlyList<LinkDecision> Links { get; init; }
    public required double RecommendedBitrateBps { get; init; }
    public required double UsableCapacityBps { get; init; }
    /// <summary>Retransmitted ÷ sent datagrams over all links, smoothed.</summary>
    public required double AggregateLoss { get; init; }
    public required BondingEvent? Event { get; init; }
    public required bool WeightsChanged { get; init; }
    public required IReadOnlyList<LinkTransition> Transitions { get; init; }
}
