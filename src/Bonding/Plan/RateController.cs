namespace Ristbond.Bonding;

/// <summary>
/// The encoder bitrate to recommend from the usable capacity of the links: under it by the headroom, down at
/// once when capacity falls (fast decrease), up cautiously when it grows and not for a while after a fall, within
/// [min, max]. Also comes down when the stream as a whole loses more than the limit, wherever that happens.
/// Announces changes as events for the stats stream.
/// </summary>
public sealed class RateController(BondingOptions options, double startBitrateBps)
{
    double _recommended = Math.Clamp(startBitrateBps, options.MinBitrateBps, options.MaxBitrateBps);
    long _lastLossCut = long.MinValue / 2;
    double _announced = Math.Clamp(startBitrateBps, options.MinBitrateBps, options.MaxBitrateBps);
    long _lastDecrease = long.MinValue / 2;
    long _lastAnnouncement = long.MinValue / 2;

    const long DecreaseWindowNanos = 500_000_000;
    double _decreaseFloor;
    long _decreaseWindowEnd = long.MinValue;

    double _min = options.MinBitrateBps;
    double _max = options.MaxBitrateBps;

    public double RecommendedBps => _recommended;

    public void SetLimits(double minBps, double maxBps)
    {
        (_min, _max) = (minBps, maxBps);
        _recommended = Math.Clamp(_recommended, _min, _max);
    }

    /// <summary>One tick: returns an event if the change is worth announcing.</summary>
    /// <param name="usableCapacityBps">What the links can carry by their estimates (which include a probe).</param>
    /// <param name="provenCapacityBps">What they have shown they carry without queueing.</param>
    /// <param name="discovering">A link in rotation has not found its capacity yet: probe harder (<see cref="BondingOptions.DiscoveryProbeAboveProven"/>).</param>
    public BondingEvent? Update(double usableCapacityBps, double provenCapacityBps, double aggregateLoss, long now, double seconds, bool discovering = false)
    {
        // Under the estimates by the headroom, and never far past what the links have proven: the recommendation
        // probes by a step, so when a link dies the others are not already full (prior art ran at the estimates).
        double probe = discovering ? options.DiscoveryProbeAboveProven : options.ProbeAboveProven;
        double target = Math.Min(usableCapacityBps * (1 - options.Headroom), provenCapacityBps * (1 + probe));
        double provenLevel = Math.Min(target, provenCapacityBps * (1 - options.Headroom));
        // Heavy loss somewhere, whatever the capacity estimates say: one multiplicative cut, then wait for its
        // effect (a cut per tick would compound to the minimum within a second).
        if (aggregateLoss > options.AggregateLossLimit && now - _lastLossCut >= options.HoldAfterDecreaseNanos)
        {
            target = Math.Min(target, _recommended * (1 - Math.Min(0.5, aggregateLoss)));
            _lastLossCut = now;
        }
        target = Math.Clamp(target, _min, _max);

        if (target < _recommended * 0.99)
        {
            // Fast, but at most to a quarter per half second: one bad moment on every link at once (a saturated
            // link's retransmissions landing on the NACK link) would otherwise take the stream to the minimum. A
            // halving floor was too slow the other way: when the largest link shed its share, the stream sat at half
            // its rate on the links left for half a second, overloaded them and the loss spread (bench adapt).
            if (now >= _decreaseWindowEnd)
                (_decreaseFloor, _decreaseWindowEnd) = (_recommended * 0.25, now + DecreaseWindowNanos);
            double before = _recommended;
            _recommended = Math.Max(target, _decreaseFloor);
            // A small step down (one link's estimate trimmed as its probe found the top) is no reason to wait: with
            // three links each probing every few seconds, holding after each kept the stream under its links' sum.
            if (_recommended < before * (1 - options.SmallDecrease))
                _lastDecrease = now;
        }
        else if (target > _recommended * 1.01 && now - _lastDecrease >= options.HoldAfterDecreaseNanos)
        {
            // Back up to what the links have proven, fast (after an outage or a transient); beyond it, cautiously.
            double rate = _recommended < provenLevel ? options.RecoveryPerSecond : options.IncreasePerSecond;
            double step = _recommended * (1 + rate * seconds);
            // A fast climb stops at the proven level; the cautious part takes it on from there.
            _recommended = Math.Min(target, rate == options.RecoveryPerSecond ? Math.Max(Math.Min(step, provenLevel), _recommended * (1 + options.IncreasePerSecond * seconds)) : step);
        }

        double change = (_recommended - _announced) / _announced;
        bool down = change <= -options.EventThreshold;
        bool up = change >= options.EventThreshold && now - _lastAnnouncement >= 1_000_000_000;
        if (!down && !up)
            return null;
        _announced = _recommended;
        _lastAnnouncement = now;
        return new BondingEvent(down ? BondingEventType.CongestionControl : BondingEventType.BandwidthAvailable, now, _recommended, usableCapacityBps);
    }
}

public enum BondingEventType
{
    /// <summary>The links carry less than the stream: the encoder should go down to the recommended bitrate.</summary>
    CongestionControl,
    /// <summary>The links can carry more: the encoder may go up to the recommended bitrate.</summary>
    BandwidthAvailable,
}

public readonly record struct BondingEvent(BondingEventType Type, long AtNanos, double RecommendedBitrateBps, double UsableCapacityBps)
{
    /// <summary>The names used in the stats stream (stable).</summary>
    public string WireType => Type == BondingEventType.CongestionControl ? "congestion-control" : "bandwidth-available";
}
