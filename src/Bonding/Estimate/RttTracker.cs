namespace Ristbond.Bonding;

/// <summary>
/// One link's round-trip time: the smoothed value for display, the base (the minimum over a window, kept as one
/// minimum per slice of it so it can forget), the queue above the base, how much the RTT jitters from sample to
/// sample, and the queue's recent history, from which its slope (seconds of queue per second) is read.
/// </summary>
public sealed class RttTracker(BondingOptions options)
{
    const int Slices = 10;
    const int HistorySamples = 32;

    readonly double[] _sliceMinimum = Fill(double.MaxValue, Slices);
    readonly TimedRing<double> _queue = new(HistorySamples);
    readonly TimedRing<double> _rtt = new(HistorySamples);
    long _sliceStart = long.MinValue;
    int _slice;

    public double SmoothedMs { get; private set; }
    public double LatestMs { get; private set; }
    public double BaseMs { get; private set; }
    public double QueueDelayMs { get; private set; }
    /// <summary>Mean absolute change of the RTT from one sample to the next, smoothed: the link's delay noise.</summary>
    public double JitterMs { get; private set; }
    public bool HasSample => LatestMs > 0;

    public void Add(double rttMs, long nowNanos)
    {
        if (rttMs <= 0)
            return;
        if (LatestMs > 0)
            JitterMs += (Math.Abs(rttMs - LatestMs) - JitterMs) / 16;
        LatestMs = rttMs;
        SmoothedMs = SmoothedMs == 0 ? rttMs : SmoothedMs + options.RttAlpha * (rttMs - SmoothedMs);
        AdvanceSlice(nowNanos);
        _sliceMinimum[_slice] = Math.Min(_sliceMinimum[_slice], rttMs);
        BaseMs = Min(_sliceMinimum);
        QueueDelayMs = Math.Max(0, rttMs - BaseMs);
        _queue.Add(nowNanos, QueueDelayMs);
        _rtt.Add(nowNanos, rttMs);
    }

    /// <summary>The smallest queue sampled in the last <paramref name="spanNanos"/> (+∞ without a sample there).</summary>
    public double MinQueueMs(long nowNanos, long spanNanos)
    {
        double min = double.PositiveInfinity;
        for (int age = 0; age < _queue.Count && nowNanos - _queue.TimeAt(age) <= spanNanos; age++)
            min = Math.Min(min, _queue.ValueAt(age));
        return min;
    }

    /// <summary>
    /// How long the queue has stood at or above <paramref name="presentMs"/> without a break, up to now (0 if the
    /// newest sample is under it): the span over which the link's bottleneck has been busy.
    /// </summary>
    public long BusySpanNanos(long nowNanos, double presentMs)
    {
        long since = nowNanos;
        for (int age = 0; age < _queue.Count && _queue.ValueAt(age) >= presentMs; age++)
            since = _queue.TimeAt(age);
        return nowNanos - since;
    }

    /// <summary>
    /// Least-squares slope of the queue over the last <paramref name="spanNanos"/>, in seconds of queue per second
    /// (0 with fewer than three samples there): positive while it builds, negative while it drains.
    /// </summary>
    public double QueueSlope(long nowNanos, long spanNanos)
    {
        int count = 0;
        double meanT = 0, meanQ = 0;
        for (int age = 0; age < _queue.Count && nowNanos - _queue.TimeAt(age) <= spanNanos; age++)
        {
            meanT += (_queue.TimeAt(age) - nowNanos) / 1e9;
            meanQ += _queue.ValueAt(age) / 1000;
            count++;
        }
        if (count < 3)
            return 0;
        meanT /= count;
        meanQ /= count;
        double num = 0, den = 0;
        for (int age = 0; age < count; age++)
        {
            double dt = (_queue.TimeAt(age) - nowNanos) / 1e9 - meanT;
            num += dt * (_queue.ValueAt(age) / 1000 - meanQ);
            den += dt * dt;
        }
        return den > 0 ? num / den : 0;
    }

    /// <summary>
    /// True when the queue grew by more than a millisecond (librist's resolution) on each of the last three samples,
    /// and by not much less the last time than the time before: a queue fed faster than it drains. A step in the
    /// path's delay seen through librist's smoothing (an EWMA of 1/8 every 10 ms) also rises sample after sample,
    /// but each rise about half the one before.
    /// </summary>
    public bool Growing
    {
        get
        {
            if (_queue.Count < 4)
                return false;
            double last = _queue.ValueAt(0) - _queue.ValueAt(1), before = _queue.ValueAt(1) - _queue.ValueAt(2), first = _queue.ValueAt(2) - _queue.ValueAt(3);
            return last > 1 && before > 1 && first > 1 && last >= SteadyGrowth * before;
        }
    }

    /// <summary>True when the queue grew by more than a millisecond (librist's resolution) on each of the last two samples.</summary>
    public bool Rising => _queue.Count >= 3 && _queue.ValueAt(0) > _queue.ValueAt(1) + 1 && _queue.ValueAt(1) > _queue.ValueAt(2) + 1;

    /// <summary>A rise at least this share of the one before is a queue still being fed; librist's smoothing halves a step's rises every report.</summary>
    const double SteadyGrowth = 0.7;

    /// <summary>
    /// Takes the lowest RTT of the last <paramref name="spanNanos"/> as the new base: the path's delay stepped up (a
    /// handover, a route change) and what looked like a standing queue is the path.
    /// </summary>
    public void Rebase(long nowNanos, long spanNanos)
    {
        double lowest = double.MaxValue;
        for (int age = 0; age < _rtt.Count && nowNanos - _rtt.TimeAt(age) <= spanNanos; age++)
            lowest = Math.Min(lowest, _rtt.ValueAt(age));
        if (lowest == double.MaxValue)
            return;
        Array.Fill(_sliceMinimum, double.MaxValue);
        _sliceMinimum[_slice] = lowest;
        BaseMs = lowest;
        QueueDelayMs = Math.Max(0, LatestMs - BaseMs);
        _queue.Clear();
    }

    /// <summary>Forgets the queue history (after a silence the old samples say nothing about now).</summary>
    public void ResetTrend() => _queue.Clear();

    void AdvanceSlice(long now)
    {
        long sliceLength = options.MinRttWindowNanos / Slices;
        if (_sliceStart == long.MinValue)
        {
            _sliceStart = now;
            return;
        }
        while (now - _sliceStart >= sliceLength)
        {
            _sliceStart += sliceLength;
            _slice = (_slice + 1) % Slices;
            _sliceMinimum[_slice] = double.MaxValue;
        }
    }

    static double Min(double[] values)
    {
        double min = double.MaxValue;
        foreach (double v in values)
            min = Math.Min(min, v);
        return min;
    }

    static double[] Fill(double value, int count)
    {
        var array = new double[count];
        Array.Fill(array, value);
        return array;
    }
}
