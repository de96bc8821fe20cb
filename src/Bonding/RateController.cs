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

    double _min = options.MinBitrateBps;
    double _max = options.MaxBitrateBps;

    public double RecommendedBps => _recommended;

    public void SetLimits(double minBps, double maxBps)
    {
        (_min, _max) = (minBps, maxBps);
        _recommended = Math.Clamp(_recommended, _min, _max);
    }

    /// <summary>One tick: returns an event if the change is worth announcing.</summary>
    public BondingEvent? Update(double usableCapacityBps, double aggregateLoss, long now, double seconds)
    {
        double target = usableCapacityBps * (1 - options.Headroom);
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
            _recommended = target;
            _lastDecrease = now;
        }
        else if (target > _recommended * 1.01 && now - _lastDecrease >= options.HoldAfterDecreaseNanos)
        {
            // Far below what the links can carry (after an outage), climb faster; near it, cautiously.
            double rate = _recommended < target / 2 ? 0.5 : options.IncreasePerSecond;
            _recommended = Math.Min(target, _recommended * (1 + rate * seconds));
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
