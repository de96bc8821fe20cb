namespace Ristbond.Ingest.Pacing;

/// <summary>
/// When the datagram at the head of the pacer's queue may leave: a token bucket at the pacing rate (the source's
/// bit rate × <see cref="PacerOptions.PeakFactor"/>), <see cref="PacerOptions.BucketMs"/> deep, and a latency budget
/// that overrides it: a datagram that has waited <see cref="PacerOptions.LatencyBudgetMs"/> leaves at once. Pure:
/// time is passed in, so tests drive it with a simulated clock and the pacer's thread only sleeps until
/// <see cref="DueNanos"/>.
/// </summary>
public sealed class PacingSchedule(PacerOptions options)
{
    readonly long _budgetNanos = options.LatencyBudgetMs * 1_000_000L;
    double _tokensBits;
    long _refilledAt = long.MinValue;
    double _rateBps = 1_000_000;

    /// <summary>Bits per second the bucket fills at now.</summary>
    public double PacingRateBps => _rateBps;

    /// <summary>Sets the source's bit rate; the pacing rate is that × the peak factor. Takes effect from <paramref name="nowNanos"/>.</summary>
    public void SetSourceRate(double sourceBps, long nowNanos)
    {
        Refill(nowNanos);
        _rateBps = Math.Max(sourceBps, 1000) * options.PeakFactor;
    }

    /// <summary>
    /// When a datagram of <paramref name="bits"/> that arrived at <paramref name="arrivalNanos"/> may leave: at or
    /// before <paramref name="nowNanos"/> means now.
    /// </summary>
    public long DueNanos(long arrivalNanos, int bits, long nowNanos)
    {
        Refill(nowNanos);
        long deadline = arrivalNanos + _budgetNanos;
        if (_tokensBits >= bits || nowNanos >= deadline)
            return nowNanos;
        long wait = (long)Math.Ceiling((bits - _tokensBits) / _rateBps * 1e9);
        return Math.Min(deadline, nowNanos + Math.Max(1, wait));
    }

    /// <summary>
    /// Takes a datagram's tokens. One sent past the budget with too few leaves the bucket empty, not in debt: the
    /// budget has already let it go, and a debt would only hold the next ones past their budgets too.
    /// </summary>
    /// <returns>True if it left on the budget rather than the rate.</returns>
    public bool Sent(long arrivalNanos, int bits, long nowNanos)
    {
        Refill(nowNanos);
        bool late = _tokensBits < bits;
        _tokensBits = Math.Max(0, _tokensBits - bits);
        return late && nowNanos - arrivalNanos >= _budgetNanos;
    }

    void Refill(long nowNanos)
    {
        double depth = Math.Max(_rateBps * options.BucketMs / 1000, MpegTs.TsPacket.DatagramSize * 8 * 2);
        if (_refilledAt == long.MinValue)
            _tokensBits = depth;
        else if (nowNanos > _refilledAt)
            _tokensBits = Math.Min(depth, _tokensBits + (nowNanos - _refilledAt) / 1e9 * _rateBps);
        _refilledAt = Math.Max(_refilledAt, nowNanos);
    }
}
