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
        UpdateAggregateLoss(retransmitted, datagrams, seconds);

        double expected = ExpectedAnswerRatio();
        LossAttribution.Attribute(_links, expected, retransmitted, datagrams, seconds, _options);
        double common = LossAttribution.Common(_links);
        var transitions = new List<LinkTransition>();
        foreach (LinkTracker link in _links)
        {
            link.UpdateLoss(expected, common);
            link.UpdateCapacityAndHealth(now, seconds, _lastUsable > 0 ? input.SourceBitrateBps / _lastUsable : 1);
            LinkState before = link.State;
            if (link.UpdateState(now))
                transitions.Add(new LinkTransition(link.Name, before, link.State));
        }

        LinkTracker? nackLink = NackLink();
        bool weightsChanged = PlanWeights(observations, transitions, now, nackLink);
        double usable = UsableCapacity(nackLink, now);
        _lastUsable = usable;
        // With no link in rotation there is nothing to measure (not yet connected, or all dead): the
        // recommendation holds rather than falling to the minimum and climbing back for half a minute.
        BondingEvent? announced = _options.Adaptive && usable > 0 ? _rate.Update(usable, _aggregateLoss, now, seconds) : null;
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
    double ExpectedAnswerRatio()
    {
        Span<double> ratios = stackalloc double[Math.Min(_links.Count, 32)];
        int measured = 0;
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
            double merit = _options.Adaptive ? EffectiveCapacity(link, nackLink) * link.WeightHealth : 1;
            raw[i] = link.State.CarriesTraffic() && preference > 0 ? merit * preference : 0;
            total += raw[i];
        }
        var targets = new (string, double?, bool, bool)[_links.Count];
        for (int i = 0; i < _links.Count; i++)
        {
            LinkTracker link = _links[i];
            double? share = PreferenceOf(observations, link.Name) == 0 ? null : total > 0 ? raw[i] / total : 0;
            if (_options.Adaptive && link.State == LinkState.Probing && share > _options.ProbingShare)
                share = _options.ProbingShare;
            bool changed = false, fell = false;
            foreach (LinkTransition t in transitions)
            {
                if (t.Link != link.Name)
                    continue;
                changed = true;
                // Losing the receiver takes a link out at once; a fall to degraded waits out the reversal dwell
                // like any other move, which is what bounds a marginal link's reversals.
                fell = t.To is LinkState.Dead or LinkState.Connecting;
            }
            // Every link is held against reversals, except when it lost or regained its receiver, or its queue
            // builds (a congested link must shed load at once): that bounds a marginal link's reversals by design.
            targets[i] = (link.Name, share, fell || link.Capacity.Congested, changed);
        }
        bool anyChanged = _weights.Plan(targets, now);

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
    double UsableCapacity(LinkTracker? nackLink, long now)
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
            double carries = EffectiveCapacity(link, nackLink) * link.WeightHealth;
            total += carries;
            if (link.Share >= 0.02 && link.Share < 1)
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
    /// loss burst on any link lands there), the larger of a tenth of it and twice what it retransmits now.
    /// </summary>
    double EffectiveCapacity(LinkTracker link, LinkTracker? nackLink)
    {
        double capacity = link.Capacity.EstimateBps;
        if (link != nackLink || _links.Count < 2)
            return capacity;
        double reserve = Math.Max(_options.RetransmitReserve * capacity, 2 * link.RetransmitRateBps);
        return Math.Max(_options.MinCapacityBps, capacity - reserve);
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
