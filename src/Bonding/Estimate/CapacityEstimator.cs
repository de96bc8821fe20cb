namespace Ristbond.Bonding;

/// <summary>
/// One link's capacity, measured from its queue rather than from what we send (librist's send rate is our own rate).
/// While a queue stands at the link's bottleneck the bottleneck is busy, and the queue grows or drains by the
/// difference between what it is sent and what it carries. Its delay d(τ) for a packet sent at τ grows at r/C − 1,
/// but it is seen when the packet's answer comes back, d later, so the slope seen is (r/C − 1)/(r/C) = 1 − C/r:
/// capacity = rate sent × (1 − the slope seen), whatever the rate, a burst or a lull. That is a measurement, taken while the link is pushed past its capacity or drains
/// after, and it replaces the estimate. Without a queue the link carried what it was sent: if that was about its
/// estimate (filled), the estimate grows (the probe), slowly after a measurement and faster the longer no queue
/// shows; if it was less (limited by the stream), nothing is learned and nothing is lowered.
/// </summary>
public sealed class CapacityEstimator(BondingOptions options, double initialBps)
{
    /// <summary>Queue slope (s/s) within which a queue neither builds nor drains: librist's 1 ms resolution over the window.</summary>
    const double SlopeNoise = 0.02;
    /// <summary>librist reports an EWMA (1/8 per keepalive, every 10 ms) of the RTT: its samples lag by about this.</summary>
    const double RttFilterLagMs = 70;
    /// <summary>Over how long the stream's rate on the link is compared with its estimate to tell filled from limited by the stream.</summary>
    const long FilledWindowNanos = 1_000_000_000;
    /// <summary>How long after a queue was seen fed its fall is its drain.</summary>
    const long FedQueueMemoryNanos = 2_000_000_000;
    /// <summary>The control tick, for the first sample's span.</summary>
    const long DefaultTickNanos = 100_000_000;
    /// <summary>The most one measurement raises the estimate by: a burst of retransmissions on the NACK link while its queue drains reads as a huge capacity.</summary>
    const double MaxRisePerMeasurement = 1.25;
    /// <summary>The deepest cut a queue merely building makes at once (a probe overshoots by the headroom and a round trip's growth).</summary>
    const double BuildingCutMax = 0.15;
    /// <summary>The counting noise of <see cref="AnswerMeter.RecentRatio"/> (about fifteen answers), which a reading must clear to count.</summary>
    const double AnswerNoise = 0.1;
    /// <summary>
    /// The most of the rate sent one reading takes away (it keeps a fifth). The slope seen tends to 1 as the rate sent
    /// far exceeds the capacity, and near it librist's smoothed RTT and the retransmissions queued with the data make
    /// it read steeper than it is: a link stepping 4 → 1 Mbit/s read 0.95 and was cut to 0.19. A link that fell further
    /// still races a round trip later, and is cut again.
    /// </summary>
    const double MaxObservedSlope = 0.8;
    /// <summary>A span whose mean rate sent is more than this over its lowest tick is not steady enough to measure on.</summary>
    const double SteadyRatio = 1.3;
    /// <summary>The shortest busy span a capacity is read from: five of librist's 50 ms reports.</summary>
    const long MinMeasureSpanNanos = 250_000_000;
    /// <summary>A queue growing faster than <see cref="RacingSlope"/> s/s over this span (three reports) is racing.</summary>
    const long RacingSpanNanos = 150_000_000;
    const double RacingSlope = 0.25;
    /// <summary>The deepest cut one racing reading makes.</summary>
    const double RacingCutMax = 0.5;
    /// <summary>
    /// The band around the last ceiling (the estimate the rate sent when the last cut was made fills) where the probe
    /// keeps its slowest pace: the link queued there last time, and a probe that reached it at a pace doubled on the
    /// way overshot by a sixth before the queue showed (a round trip, librist's smoothing and a span), and was cut by
    /// as much. Below the band the probe regains its pace as before; past it, the capacity has grown, and the pace
    /// doubles from there.
    /// </summary>
    const double CeilingBandBelow = 0.95, CeilingBandAbove = 1.1;

    readonly TimedRing<double> _sent = new(64);
    readonly TimedRing<double> _offered = new(64);
    double _estimate = Math.Max(options.MinCapacityBps, initialBps);
    long _measuredAt = long.MinValue;
    long _standingSince = long.MinValue;
    long _racedAt = long.MinValue / 2;
    long _cutAt = long.MinValue / 2;
    double _ceilingBps;
    long _passedCeilingAt = long.MinValue;

    public double EstimateBps => _estimate;
    /// <summary>The link's capacity has been measured at least once (a queue has shown): its slow start is over.</summary>
    public bool FoundCapacity => _measuredAt != long.MinValue;
    /// <summary>This tick's reading: the capacity measured (a queue stood), or 0.</summary>
    public double MeasuredBps { get; private set; }
    /// <summary>This tick the link was filled and showed no queue: the estimate was probed up.</summary>
    public bool Probed { get; private set; }
    /// <summary>When a queue was last seen building on this link, or standing at its buffer's limit: one we fed.</summary>
    public long FedQueueAtNanos { get; private set; } = long.MinValue / 2;
    /// <summary>Over the last second the plan offered the link about its estimate (less the headroom): a queue now may be ours.</summary>
    public bool Filled { get; private set; }
    /// <summary>The rate the queue of this tick answers for (sent a round trip and librist's smoothing ago).</summary>
    public double RateBps { get; private set; }

    /// <summary>Replaces the estimate before anything is known (the controller spreads its prior once all links are in).</summary>
    public void Prime(double bps)
    {
        if (!FoundCapacity)
            _estimate = Math.Max(options.MinCapacityBps, bps);
    }

    /// <summary>A dead link comes back: it is measured again from part of what it had.</summary>
    public void Revive() => _estimate = Math.Max(options.MinCapacityBps, _estimate * options.RevivedCapacityShare);

    /// <param name="sentBps">TS payload bits/s the link was sent over the last tick (its share of the stream and its retransmissions).</param>
    /// <param name="offeredBps">What the plan gave the link over the last tick, before librist's weights rounded it: whether the link was offered its estimate.</param>
    /// <param name="carriesTraffic">False while the link is out of rotation: nothing is learned then.</param>
    /// <param name="recentAnswerRatio">Answers per keepalive over the last reports (<see cref="AnswerMeter.RecentRatio"/>): of an overloaded link, about what it carries of what it is sent.</param>
    /// <param name="deadLinkBurst">
    /// Another link died a moment ago: what it lost comes back as a burst of retransmissions and its part lands here at
    /// once. A queue now is that burst passing, not the link carrying less; only a tail-dropping one is acted on.
    /// </param>
    public void Update(double sentBps, double offeredBps, RttTracker rtt, bool carriesTraffic, long nowNanos, double seconds, double recentAnswerRatio, bool deadLinkBurst = false)
    {
        _sent.Add(nowNanos, sentBps);
        _offered.Add(nowNanos, Math.Max(offeredBps, sentBps));
        MeasuredBps = 0;
        Probed = false;
        if (!carriesTraffic || !rtt.HasSample)
        {
            _standingSince = long.MinValue;
            return;
        }
        long lag = (long)((rtt.LatestMs + RttFilterLagMs) * 1_000_000);
        double present = options.QueuePresentMs + 2 * rtt.JitterMs;
        double queue = rtt.QueueDelayMs;
        // Tail-dropping or about to: whatever the span, the link carries what it is sent less what it drops.
        bool overloaded = queue >= options.QueueOverloadMs;
        long span = Math.Min(options.MeasureWindowNanos, rtt.BusySpanNanos(nowNanos, present));
        // A queue racing up past twice the target (a link whose capacity just fell far under its share) is unmistakable
        // within a couple of reports, and waiting for the usual span would let it pass the buffer's limit first. (Under
        // that, a probe's overshoot and librist's round bursts race for a report too: the usual span measures them.)
        // Its answers say what it carries sooner than its thinning RTT samples: they come back at what it carries of
        // what it is sent.
        double recentSlope = rtt.QueueSlope(nowNanos, RacingSpanNanos);
        if (deadLinkBurst && !overloaded)
            return;
        bool racing = rtt.Growing && queue >= 2 * options.QueueTargetMs && recentSlope >= RacingSlope && nowNanos - _racedAt > lag + RacingSpanNanos;
        double racingSent = racing ? Mean(_sent, nowNanos - lag - RacingSpanNanos, nowNanos - lag) : 0;
        if (racing && racingSent >= options.FilledShare * (1 - options.Headroom) * _estimate)
        {
            double sent = RateBps = racingSent;
            double seen = 1 - Math.Min(recentSlope, MaxObservedSlope);
            // The answers count only where they say much more than the slope: two reports hold fifteen of them, and
            // their noise alone cut links that were only just overloaded by a quarter.
            if (recentAnswerRatio > 0)
                seen = Math.Min(seen, recentAnswerRatio + AnswerNoise);
            // A step in the path's delay (a handover) races just the same for a report or two, and its answers pause
            // as long: one reading halves the link at most, and a queue still racing a round trip later is cut again
            // (a flapping link's +80 ms steps took it from 6 to 0.1 Mbit/s in three). Nor is a link that was sent less
            // than it fills read so: its queue, if ours, reaches the buffer's limit and is measured there.
            seen = Math.Max(seen, 1 - RacingCutMax);
            if (sent * seen < _estimate)
                Measured(sent * seen, nowNanos, sent); // a racing queue says "less than it was sent", never more
            // Its effect shows a round trip and a span later: until then the queue still races. Whether we fed it is
            // for the span to say (a delay step races too, and its loss is the link's).
            _racedAt = nowNanos;
            return;
        }
        if (overloaded)
            span = Math.Max(span, MinMeasureSpanNanos);
        // After a cut (or a racing queue's), a span reaching back before it holds the rates sent before it, and the
        // queue they built: read again, one overshoot was cut two or three times (4.5 → 2.5 Mbit/s for 15%), and a
        // drain read high. Only what was sent since counts (the queue answers for it a lag later).
        long sinceChange = nowNanos - lag - Math.Max(_cutAt, _racedAt);
        if (sinceChange < span)
            span = sinceChange < MinMeasureSpanNanos ? 0 : sinceChange;
        double rate = RateBps = Mean(_sent, nowNanos - lag - Math.Max(span, options.MeasureWindowNanos / 2), nowNanos - lag);
        // Filled or not is the stream's average over a second: a video stream is uneven frame to frame, and an encoder
        // keeping to its target on average fills the link it is planned for.
        bool filled = Filled = Mean(_offered, nowNanos - FilledWindowNanos, nowNanos) >= options.FilledShare * (1 - options.Headroom) * _estimate;
        if (span >= MinMeasureSpanNanos)
        {
            // A queue has stood through the span: the bottleneck was busy all along. Building or draining, the slope
            // and the rate sent over the same span give its capacity; standing still at a rate that fills the link,
            // the rate is it. The rate and the queue line up only within about a report: across a change of the rate
            // sent (a cut just made, a share moved) their ratio says nothing, so only a steady rate is measured on.
            double slope = rtt.QueueSlope(nowNanos, span);
            rate = RateBps = Mean(_sent, nowNanos - lag - span, nowNanos - lag);
            bool steady = Min(_sent, nowNanos - lag - span, nowNanos - lag) >= rate / SteadyRatio;
            // Building means growing all along: a queue fed faster than it drains grows steadily, while a step in
            // the path's delay (a handover) comes through librist's smoothing as a rise that slows sample by sample.
            bool building = slope > SlopeNoise && rtt.Rising && rtt.QueueSlope(nowNanos, span / 2) >= slope / 2;
            // Draining is measured only for a queue we fed: the fall after a step in the path's delay drains nothing.
            bool draining = slope < -SlopeNoise && nowNanos - FedQueueAtNanos < FedQueueMemoryNanos;
            if (building || overloaded)
                FedQueueAtNanos = nowNanos;
            if (steady && (building || draining || overloaded))
            {
                // Overloaded, the answers say the same sooner (less what its tail drops).
                double seen = 1 - Math.Min(slope, MaxObservedSlope);
                if (overloaded && recentAnswerRatio > 0)
                    seen = Math.Min(seen, recentAnswerRatio + AnswerNoise);
                double measured = rate * seen;
                // A queue building, not racing nor at the buffer's limit, is a probe's overshoot, or a step in the path's
                // delay rising through librist's smoothing: either way no reason for a deep cut. A capacity that fell far
                // races, and is cut there.
                if (building && !overloaded)
                    measured = Math.Max(measured, _estimate * (1 - BuildingCutMax));
                Measured(measured, nowNanos, rate);
                _standingSince = long.MinValue;
                return;
            }
            // At the buffer's limit with a rate too uneven to read (retransmissions surging with the queue: late packets
            // are NACKed and sent again on top), the link is cut by a bounded step per round trip and span until the
            // queue drains: left waiting for a steady span, the queue and the retransmissions fed each other. Not while
            // another link's burst passes: that queue goes with it.
            if (overloaded && !deadLinkBurst && nowNanos - _cutAt > lag + options.MeasureWindowNanos)
                Measured(Math.Min(rate, _estimate) * (1 - BuildingCutMax), nowNanos, rate);
            if (overloaded || building || draining)
                return; // the cut is under way: the next steady span measures what it left
            // A queue that stands still is either the link carrying exactly what it is sent, or no queue at all but a
            // step in the path's delay. Fed at a steady rate that fills the link, it is the first: the link carries that
            // rate and no more, whatever the estimate says (a probe that overshot while the queue built too slowly to
            // be read as building). Lowered as a building queue is, by a bounded step, since a step in the path's
            // delay looks the same. Not fed so, a real one drains once the plan sends less (the planner does, past the
            // target), and is measured then; one that stays put a while is the path's delay, learned as the new base.
            if (filled)
            {
                _standingSince = long.MinValue;
                // Past the target, and once a second at most: librist's rounds keep 10-20 ms standing on a link sent
                // just under what it carries, and a queue cut to what it was sent drains slowly; read as ceilings, each
                // cut the link a headroom further.
                if (steady && rate < _estimate && queue >= options.QueueTargetMs && nowNanos - _cutAt > lag + options.RebaseAfterNanos)
                    Measured(Math.Max(rate, _estimate * (1 - BuildingCutMax)), nowNanos, rate);
            }
            else if (_standingSince == long.MinValue)
                _standingSince = nowNanos;
            else if (nowNanos - _standingSince >= options.RebaseAfterNanos)
            {
                rtt.Rebase(nowNanos, options.MeasureWindowNanos);
                _standingSince = long.MinValue;
            }
            return;
        }
        _standingSince = long.MinValue;
        if (queue >= present || !filled)
            return; // a queue only now building, or a link the stream did not fill: nothing new
        Probed = true;
        double growth = FoundCapacity ? ProbeGrowth(nowNanos) : options.SlowStartGrowthPerSecond;
        growth = Math.Min(growth, options.ProbeGrowthPerRoundTrip / (Math.Max(rtt.BaseMs, 20) / 1000));
        _estimate *= 1 + growth * seconds;
    }

    /// <summary>The probe's pace (per second): doubling since the last measurement, or since the estimate passed the ceiling's band; slowest within it.</summary>
    double ProbeGrowth(long nowNanos)
    {
        long since = _measuredAt;
        if (_ceilingBps > 0 && _estimate >= CeilingBandBelow * _ceilingBps)
        {
            if (_estimate <= CeilingBandAbove * _ceilingBps)
                return options.ProbeGrowthPerSecond;
            if (_passedCeilingAt < _measuredAt)
                _passedCeilingAt = nowNanos;
            since = _passedCeilingAt;
        }
        return Math.Min(options.ProbeGrowthMaxPerSecond, options.ProbeGrowthPerSecond * Math.Pow(2, (nowNanos - since) / (double)options.ProbeDoublingNanos));
    }

    /// <summary>
    /// A measured capacity replaces the estimate: at once downward (a smoothed decrease is what lets a queue build),
    /// halfway upward and by a quarter at most (a drain right after a cut reads high while librist's smoothing catches up).
    /// </summary>
    /// <param name="sentBps">The rate sent over the span measured: when the estimate is cut, what found the queue.</param>
    void Measured(double bps, long nowNanos, double sentBps)
    {
        bps = Math.Max(options.MinCapacityBps, bps);
        MeasuredBps = bps;
        if (bps < _estimate)
        {
            _cutAt = nowNanos;
            // Where the probe found the queue: the estimate that the rate sent then fills (the estimate itself may have
            // run past it while the link was not filled, or in the slow start).
            _ceilingBps = Math.Min(_estimate, Math.Max(bps, sentBps / (1 - options.Headroom)));
        }
        _estimate = bps <= _estimate ? bps : Math.Min(_estimate + 0.5 * (bps - _estimate), _estimate * MaxRisePerMeasurement);
        _measuredAt = nowNanos;
    }

    /// <summary>
    /// The tick samples whose interval lies mostly within [from, to]: each tick's rate covers the span since the
    /// previous one, so it is placed at the middle of that span (stamped at its end, a rate that began a tick later
    /// was taken for the one that built the queue).
    /// </summary>
    static double Min(TimedRing<double> ring, long from, long to) => Over(ring, from, to, mean: false);

    /// <summary>The mean of the tick samples whose interval lies mostly within [from, to] (see <see cref="Min"/>); the nearest before it if none does.</summary>
    static double Mean(TimedRing<double> ring, long from, long to) => Over(ring, from, to, mean: true);

    static double Over(TimedRing<double> ring, long from, long to, bool mean)
    {
        double sum = 0, min = double.MaxValue, fallback = 0;
        int count = 0;
        for (int age = 0; age < ring.Count; age++)
        {
            long end = ring.TimeAt(age);
            long start = age + 1 < ring.Count ? ring.TimeAt(age + 1) : end - DefaultTickNanos;
            long middle = start + (end - start) / 2;
            if (middle > to)
                continue;
            if (middle <= from)
            {
                if (count == 0)
                    fallback = ring.ValueAt(age);
                break;
            }
            sum += ring.ValueAt(age);
            min = Math.Min(min, ring.ValueAt(age));
            count++;
        }
        return count == 0 ? fallback : mean ? sum / count : min;
    }
}
