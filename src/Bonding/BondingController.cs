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
    readonly SharePlanner _shares;
    readonly WeightPlanner _weights;
    readonly RateController _rate;
    long _lastNow = long.MinValue;
    long _lastDatagrams;
    double _aggregateLoss;
    long _startedAt = long.MaxValue;

    public BondingController(BondingOptions options, double startBitrateBps)
    {
        _options = options;
        _shares = new SharePlanner(options);
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

    /// <summary>One control tick: estimate each link, judge them against each other, plan weights and bitrate.</summary>
    public BondingDecision Update(in BondingInput input, ReadOnlySpan<(string Name, LinkObservation Observation)> observations)
    {
        long now = input.NowNanos;
        double seconds = _lastNow == long.MinValue ? 0.1 : Math.Max(0.001, (now - _lastNow) / 1e9);
        _lastNow = now;
        long datagrams = input.DatagramsSent - _lastDatagrams;
        _lastDatagrams = input.DatagramsSent;
        double streamBps = datagrams * _options.DatagramBytes * 8 / seconds;
        PrimeNewLinks();
        Span<double> preferences = _links.Count <= 64 ? stackalloc double[_links.Count] : new double[_links.Count];

        // Stage 1: each link on its own.
        bool burst = RecentlyDied(now);
        long retransmitted = 0;
        for (int i = 0; i < _links.Count; i++)
        {
            LinkTracker link = _links[i];
            preferences[i] = 1;
            foreach (var (name, observation) in observations)
            {
                if (name != link.Name)
                    continue;
                retransmitted += observation.RetransmittedPackets - link.Last.RetransmittedPackets;
                link.Estimate(observation, now, seconds, streamBps, burst);
                preferences[i] = observation.Preference;
            }
        }

        // Stage 2: the links against each other. What a link lost before it was found dead is retransmitted
        // afterwards over the others: its loss, already acted on by taking it out, not theirs nor the stream's.
        bool deadLinksLosses = RecentlyDied(now);
        if (!deadLinksLosses)
            UpdateAggregateLoss(retransmitted, datagrams, seconds);
        double expected = ExpectedAnswerRatio(out int measured);
        double deadband = Deadband(measured);
        if (!deadLinksLosses)
            LossAttribution.Attribute(_links, expected, deadband, retransmitted, datagrams, seconds, _options);
        double common = LossAttribution.Common(_links);
        var transitions = new List<LinkTransition>();
        foreach (LinkTracker link in _links)
        {
            LinkState before = link.State;
            if (link.Judge(now, expected, common, deadband, deadLinksLosses))
                transitions.Add(new LinkTransition(link.Name, before, link.State));
        }

        // Stage 3: weights and bitrate.
        LinkTracker? nackLink = NackLink();
        bool deadLinkBurst = RecentlyDied(now); // including a link found dead just now
        bool weightsChanged = PlanWeights(preferences, transitions, nackLink, deadLinkBurst);
        // Room for the dead link's retransmissions: what it lost in its silence comes back as NACKs, all on the NACK
        // link, within the receiver's buffer; without it a retransmission storm on the NACK link made packets late.
        double burstAllowance = deadLinkBurst
            ? Math.Min(_options.DeadLinkBurstAllowanceMax, _options.DeadLinkBurstShare * DeadLinksShare(now))
            : 0;
        double usable = UsableCapacity(preferences, nackLink, deadLinkBurst, burstAllowance, now);
        // With no link in rotation there is nothing to measure, and while the first links connect and probe one by one
        // the first alone would look like all there is: the recommendation holds meanwhile.
        _startedAt = Math.Min(_startedAt, now);
        bool starting = now - _startedAt < _options.ConnectGraceNanos + _options.ProbingNanos
            && _links.Any(l => l.State is LinkState.Connecting or LinkState.Probing);
        bool anyInRotation = _links.Any(l => l.State.CarriesTraffic());
        BondingEvent? announced = _options.Adaptive && (usable > 0 || anyInRotation) && !starting
            ? _rate.Update(usable, now, seconds) : null;
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

    /// <summary>
    /// The deficit of answers that is counting noise: <see cref="BondingOptions.LossDeadband"/>, or 2.5 standard
    /// deviations of a window's count where the stream loses more (every link losing 2% alike showed deficits of 5-7%
    /// on one link or another every few seconds, each taken as that link's loss). Against a single other link a deficit
    /// is the difference of two noisy ratios: √2 times the noise of one.
    /// </summary>
    double Deadband(int measured)
    {
        double keepalives = 0;
        foreach (LinkTracker link in _links)
            keepalives = Math.Max(keepalives, link.Last.KeepalivesPerSecond);
        double answers = keepalives * AnswerMeter.WindowSeconds;
        double p = Math.Min(0.5, _aggregateLoss);
        double noise = answers > 0 ? 2.5 * Math.Sqrt(p * (1 - p) / answers) : 0;
        return Math.Max(_options.LossDeadband, noise) * (measured == 2 ? Math.Sqrt(2) : 1);
    }

    /// <summary>The share of the stream the links that died lately carried when they died.</summary>
    double DeadLinksShare(long now)
    {
        double share = 0;
        foreach (LinkTracker link in _links)
        {
            if (link.DiedAtNanos != long.MinValue && now - link.DiedAtNanos < _options.DeadLinkRetransmitNanos)
                share += link.ShareAtDeath;
        }
        return share;
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
            if (!link.State.CarriesTraffic() || link.Answers.Ratio <= 0 || measured == ratios.Length)
                continue;
            ratios[measured++] = link.Answers.Ratio;
            only = link;
        }
        if (measured == 0)
            return 0;
        if (measured == 1)
            return only!.Answers.Peak;
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

    bool PlanWeights(ReadOnlySpan<double> preferences, List<LinkTransition> transitions, LinkTracker? nackLink, bool deadLinkBurst)
    {
        Span<double?> shares = _links.Count <= 64 ? stackalloc double?[_links.Count] : new double?[_links.Count];
        _shares.Plan(_links, preferences, nackLink, deadLinkBurst, _weights, shares);
        var targets = new (string, double?, bool)[_links.Count];
        for (int i = 0; i < _links.Count; i++)
        {
            bool changed = false;
            foreach (LinkTransition t in transitions)
                changed |= t.Link == _links[i].Name;
            targets[i] = (_links[i].Name, shares[i], changed);
            _links[i].PlannedShare = shares[i] ?? 1;
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
    /// The stream rate the links can carry as planned: the sum of what each carries, unless a preference (the URL's
    /// <c>weight=</c>) gives a link more than its part, when that link bounds the stream: with shares in proportion
    /// to carries × preference, a link carries its share at a stream of Σ(carries × preference) ÷ its preference.
    /// (The shares as librist has them now would count a link's drain, which only moves its part to the others for a
    /// moment, as a loss of capacity.) A link still connecting counts at its prior for a grace period, so start-up
    /// is not a loss of capacity.
    /// </summary>
    double UsableCapacity(ReadOnlySpan<double> preferences, LinkTracker? nackLink, bool deadLinkBurst, double burstAllowance, long now)
    {
        double total = 0, weighted = 0, highestPreference = 0, capacities = 0;
        for (int i = 0; i < _links.Count; i++)
        {
            LinkTracker link = _links[i];
            if (link.State == LinkState.Connecting && now - link.AddedNanos < _options.ConnectGraceNanos)
            {
                total += link.Capacity.EstimateBps * (1 - _options.Headroom);
                capacities += link.Capacity.EstimateBps * (1 - _options.Headroom);
                continue;
            }
            if (!link.State.CarriesTraffic() || preferences[i] <= 0)
                continue;
            double carries = _shares.Carries(link, nackLink, _links.Count, deadLinkBurst, link.WeightHealth);
            total += carries;
            weighted += carries * preferences[i];
            highestPreference = Math.Max(highestPreference, preferences[i]);
            capacities += link.Capacity.EstimateBps * (1 - _options.Headroom) * link.WeightHealth;
        }
        double planned = highestPreference > 0 ? Math.Min(total, weighted / highestPreference) : total;
        // Draining queues and the reserve for a burst of retransmissions are transients: they may take the stream
        // down by a bounded part for a moment, never further than the links' capacities themselves went (after a
        // link's capacity fell, both came on top of it, and the stream was cut twice as deep as the fall). While a dead
        // link's burst passes, the queues it builds and the room kept for it are that burst: the stream leaves it the
        // burst allowance, and the drains do not cut it again.
        double bound = Math.Min(total == 0 ? 0 : capacities, planned > 0 ? capacities : 0);
        // A drain moves a link's part to links with room, though: when no link has any (every queue past the target,
        // no dead link's burst passing), the links carry less than the stream and its retransmissions, and a cut bounded
        // at the transients' kept a storm going (queues past the receiver's NACK wait, late packets sent again on top,
        // more queue): then the stream halves at most, as TCP does, until a queue drains.
        double transientCut = burstAllowance == 0 && !AnyLinkHasRoom() ? StormCut : Math.Max(_options.TransientCutMax, burstAllowance);
        double usable = Math.Max(planned * (1 - burstAllowance), bound * (1 - transientCut));
        // Whatever the plan, the links carry the stream and its retransmissions: once queues pass the receiver's NACK
        // wait, every late packet is sent twice, and a stream of more than what the links carry over that stayed stuck
        // there (a storm that outlived its cause by seconds).
        return Math.Min(usable, bound / (1 + _aggregateLoss));
    }

    /// <summary>The deepest cut below the links' estimates while every link's queue is past the target.</summary>
    const double StormCut = 0.5;

    bool AnyLinkHasRoom()
    {
        foreach (LinkTracker link in _links)
        {
            if (link.State.CarriesTraffic() && link.Rtt.QueueDelayMs <= _options.QueueTargetMs)
                return true;
        }
        return false;
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
