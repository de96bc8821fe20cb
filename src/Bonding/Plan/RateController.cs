namespace Ristbond.Bonding;

/// <summary>
/// Stage 3: the encoder bitrate to recommend. It is what the links in rotation can carry as planned (their
/// estimates less headroom and reserve, times health), less room for a dead link's retransmissions while they
/// come, within [min, max]. Down at once to that (it is a measurement, so a cut is never deeper than the capacity
/// that went); up at most <see cref="BondingOptions.IncreasePerSecond"/>. Loss alone does not move it: loss that
/// comes of too much traffic shows first as a queue, which the estimates act on, and random loss is not cured by
/// sending less (cutting on it took the stream to its minimum in a retransmission burst after a link died).
/// Changes worth it are announced as events.
/// </summary>
public sealed class RateController(BondingOptions options, double startBitrateBps)
{
    const long AnnounceRiseIntervalNanos = 1_000_000_000;

    double _recommended = Math.Clamp(startBitrateBps, options.MinBitrateBps, options.MaxBitrateBps);
    double _announced = Math.Clamp(startBitrateBps, options.MinBitrateBps, options.MaxBitrateBps);
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
    /// <param name="usableCapacityBps">What the links can carry as planned.</param>
    public BondingEvent? Update(double usableCapacityBps, long now, double seconds)
    {
        double target = Math.Clamp(usableCapacityBps, _min, _max);
        _recommended = target <= _recommended ? target : Math.Min(target, _recommended * (1 + options.IncreasePerSecond * seconds));

        double change = (_recommended - _announced) / _announced;
        bool down = change <= -options.EventThreshold;
        bool up = change >= options.EventThreshold && now - _lastAnnouncement >= AnnounceRiseIntervalNanos;
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
