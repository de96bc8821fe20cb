namespace Ristbond.Bonding;

/// <summary>
/// One link's capacity, learned from queueing delay rather than from what we send (librist's send rate is our
/// own rate: a capacity built on it only confirms itself). A rate carried while the queue stays empty is
/// verified; the estimate may run ahead of what was verified only by the probe gain, so more traffic goes to a
/// link only to test it. A queue that builds means the link carries less than it is sent: its capacity is then
/// the send rate divided by (1 + queue growth per second), at once. A queue that drains says nothing new.
/// </summary>
public sealed class CapacityEstimator(BondingOptions options, double initialBps)
{
    /// <summary>Queue growth (s/s) below which a trend is noise.</summary>
    const double TrendNoise = 0.02;
    const int RateSamples = 5;
    const long VerifyMarginNanos = 300_000_000;

    readonly double[] _rates = new double[RateSamples];
    int _rateCount;
    int _rateNext;
    /// <summary>Send rates of the last few seconds with their times: a rate is verified only once its effect on the queue can have been seen.</summary>
    readonly TimedRing<double> _history = new(40);
    double _estimate = Math.Max(options.MinCapacityBps, initialBps);
    double _verified;
    long _lastCongestion = long.MinValue / 2;

    public double EstimateBps => _estimate;
    /// <summary>
    /// What the stream may count on from this link. Normally the estimate, probe included: that is how a higher
    /// bitrate gets tried. <paramref name="proven"/> (right after another link died, when the others must take its
    /// part at once): only what this link has verified, and at most the estimate.
    /// </summary>
    public double UsableBps(bool proven) => proven && _verified > 0 ? Math.Min(_estimate, _verified) : _estimate;

    /// <summary>
    /// What the link's share of the stream is sized on: the estimate, probe included (that is how a link that has
    /// not filled yet gets more to carry), but at most a probe gain above what it verified: in its slow start the
    /// estimate is half as much again, and when another link filled, its share went there all at once (bench adapt).
    /// Once the link has found its capacity, the smaller <see cref="BondingOptions.ShareProbeGain"/>.
    /// </summary>
    public double ShareBps => _verified > 0 ? Math.Min(_estimate, _verified * (FoundCapacity ? options.ShareProbeGain : options.ProbeGain)) : _estimate;
    public double VerifiedBps => _verified;
    /// <summary>The link has been congested at least once: its estimate has met its capacity, not only grown toward it.</summary>
    public bool FoundCapacity => _lastCongestion != long.MinValue / 2;
    public bool Congested { get; private set; }

    /// <summary>Replaces the estimate before anything is known (the controller spreads its prior once all links are in).</summary>
    public void Prime(double bps)
    {
        if (_verified == 0)
            _estimate = Math.Max(options.MinCapacityBps, bps);
    }

    /// <param name="sendRateBps">What the link was sent over the last interval (TS payload bits/s).</param>
    /// <param name="carriesTraffic">False while the link is out of rotation: nothing is learned then.</param>
    /// <param name="systemLoad">Source bitrate ÷ usable capacity: a link sent its fair part carries about this fraction of its estimate.</param>
    /// <param name="floorBps">No congestion cut goes below this (a burst this link was not the cause of).</param>
    public void Update(double sendRateBps, RttTracker rtt, bool carriesTraffic, long nowNanos, double seconds, double systemLoad = 1, double floorBps = 0)
    {
        _verified *= 1 - options.VerifiedDecayPerSecond * seconds;
        Congested = false;
        if (!carriesTraffic || !rtt.HasSample)
        {
            _rateCount = 0;
            return;
        }
        double rate = AverageRate(sendRateBps); // over about the window the queue trend is measured on
        _history.Add(nowNanos, rate);
        double queue = rtt.QueueDelayMs;
        double trend = rtt.QueueTrend;
        bool building = trend > TrendNoise && rtt.Growing;
        bool draining = trend < -TrendNoise;
        // Saturated (queue at its maximum, tail-dropping) whatever the trend, or a queue still building. A step in
        // path delay (a handover) jumps once and stays flat: that is not congestion. A building queue is acted on
        // once it is past the low mark: on a long link it is a round trip older than it looks, and waiting for the
        // high mark let it grow past the receiver's reorder window (late packets NACKed as lost, bench adapt).
        if ((queue > options.QueueMaxMs && !draining) || (queue > options.QueueLowMs && building))
        {
            Congested = true;
            // One cut per reaction time: the queue needs a round trip or two to show the effect of the last cut,
            // and cutting again from a send rate already lowered would compound.
            if (nowNanos - _lastCongestion < options.CutIntervalNanos)
                return;
            double carried = rate / (1 + Math.Max(0, Math.Max(trend, rtt.RecentQueueTrend)));
            if (queue > options.QueueMaxMs)
                carried *= 0.9; // below what it carries, so the standing queue drains
            else
                carried = Math.Max(carried, rate * (1 - options.MildCutMax)); // a queue just building: a small step, repeated if it keeps building
            _estimate = Math.Max(Math.Max(options.MinCapacityBps, Math.Min(floorBps, _estimate)), Math.Min(_estimate, carried));
            _verified = Math.Min(_verified, _estimate);
            _lastCongestion = nowNanos;
            _history.Clear(); // rates sent before the cut proved nothing: the queue built on them
            _rateCount = 0;
            return;
        }
        if (queue >= options.QueueLowMs)
        {
            // A queue that holds says the link carries what it is sent and no more: the optimism above that goes (a
            // link left at its probe estimate sat saturated with a standing queue, and the first loss overflowed
            // it, bench adapt). A queue that drains says nothing new.
            if (!draining)
                _estimate = Math.Max(options.MinCapacityBps, Math.Min(_estimate, Math.Max(rate, _verified)));
            return;
        }

        // What the queue says now is about what was sent a round trip (and librist's smoothing) ago: only that
        // rate is proven. Crediting the current rate would let a long-RTT link run far past its capacity first.
        double proven = RateAt(nowNanos - (long)(rtt.LatestMs * 1_000_000) - VerifyMarginNanos);
        _verified = Math.Max(_verified, proven);
        // Slow start: until a link has shown congestion once, it may be probed harder (like TCP's slow start).
        double gain = FoundCapacity ? options.ProbeGain : options.SlowStartGain;
        double ceiling = Math.Max(options.MinCapacityBps, _verified * gain);
        // Only a link that is being sent about what its estimate says is testing it: growing the estimate of a
        // link that carries far less (held back, unhealthy) would be optimism, not evidence.
        bool tested = rate >= 0.8 * _estimate * Math.Clamp(systemLoad, 0.1, 1);
        if (tested && _estimate < ceiling && nowNanos - _lastCongestion >= options.HoldAfterCongestionNanos)
        {
            // Increases are smoothed, and per round trip rather than per second: a long-RTT link learns about an
            // overload later, so it may grow less in that time. Decreases above are immediate, because a smoothed
            // decrease is what lets a queue build.
            double growth = Math.Min(options.ProbeGrowthPerSecond, options.ProbeGrowthPerRoundTrip / (Math.Max(rtt.BaseMs, 20) / 1000));
            _estimate = Math.Min(ceiling, _estimate * (1 + growth * seconds));
        }
        else if (_estimate > ceiling && _verified > 0)
        {
            // Older, unverified optimism fades toward what the link has shown lately.
            _estimate = Math.Max(ceiling, _estimate * (1 - 0.05 * seconds));
        }
        _estimate = Math.Max(_estimate, _verified);
    }

    /// <summary>The highest rate sent at or before <paramref name="time"/> within the history (0 if none is that old).</summary>
    double RateAt(long time)
    {
        double best = 0;
        for (int age = 0; age < _history.Count; age++)
        {
            if (_history.TimeAt(age) <= time)
                best = Math.Max(best, _history.ValueAt(age));
        }
        return best;
    }

    double AverageRate(double latest)
    {
        _rates[_rateNext] = latest;
        _rateNext = (_rateNext + 1) % RateSamples;
        _rateCount = Math.Min(_rateCount + 1, RateSamples);
        double sum = 0;
        for (int i = 0; i < _rateCount; i++)
            sum += _rates[(_rateNext - 1 - i + RateSamples) % RateSamples];
        return sum / _rateCount;
    }
}
