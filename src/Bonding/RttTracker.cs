namespace Ristbond.Bonding;

/// <summary>
/// One link's round-trip time: the smoothed value for display, the base (minimum over a window, kept as one
/// minimum per window slice so it can forget), the queueing delay above the base, and its trend in seconds of
/// queue per second (a growing queue means the link is being sent more than it carries).
/// </summary>
public sealed class RttTracker(BondingOptions options)
{
    const int Slices = 10;
    const int TrendSamples = 6;

    readonly double[] _sliceMinimum = Fill(double.MaxValue, Slices);
    readonly double[] _queueHistory = new double[TrendSamples];
    readonly long[] _timeHistory = new long[TrendSamples];
    int _historyCount;
    int _historyNext;
    long _sliceStart = long.MinValue;
    int _slice;

    public double SmoothedMs { get; private set; }
    public double LatestMs { get; private set; }
    public double BaseMs { get; private set; }
    public double QueueDelayMs { get; private set; }
    /// <summary>Queueing delay growth, seconds per second, over the last half second; positive while a queue builds.</summary>
    public double QueueTrend { get; private set; }
    /// <summary>The same over the last two samples: how fast the queue grows right now, to size a cut.</summary>
    public double RecentQueueTrend { get; private set; }
    /// <summary>True when the queue grew on each of the last two samples: a queue building, not a one-off step in path delay.</summary>
    public bool Growing { get; private set; }
    public bool HasSample => LatestMs > 0;

    public void Add(double rttMs, long nowNanos)
    {
        if (rttMs <= 0)
            return;
        LatestMs = rttMs;
        SmoothedMs = SmoothedMs == 0 ? rttMs : SmoothedMs + options.RttAlpha * (rttMs - SmoothedMs);
        AdvanceSlice(nowNanos);
        _sliceMinimum[_slice] = Math.Min(_sliceMinimum[_slice], rttMs);
        BaseMs = Min(_sliceMinimum);
        QueueDelayMs = Math.Max(0, rttMs - BaseMs);
        Remember(QueueDelayMs, nowNanos);
        QueueTrend = Slope(_historyCount);
        RecentQueueTrend = LastStep();
        Growing = GrewTwice();
    }

    /// <summary>Forgets the trend (after a silence the old samples say nothing about now).</summary>
    public void ResetTrend() => _historyCount = 0;

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

    void Remember(double queueMs, long now)
    {
        _queueHistory[_historyNext] = queueMs;
        _timeHistory[_historyNext] = now;
        _historyNext = (_historyNext + 1) % TrendSamples;
        _historyCount = Math.Min(_historyCount + 1, TrendSamples);
    }

    bool GrewTwice()
    {
        if (_historyCount < 3)
            return false;
        double q0 = _queueHistory[(_historyNext - 3 + TrendSamples) % TrendSamples];
        double q1 = _queueHistory[(_historyNext - 2 + TrendSamples) % TrendSamples];
        double q2 = _queueHistory[(_historyNext - 1 + TrendSamples) % TrendSamples];
        return q1 > q0 + 1 && q2 > q1 + 1; // more than a millisecond each time: librist reports whole ms
    }

    double LastStep()
    {
        if (_historyCount < 2)
            return 0;
        int last = (_historyNext - 1 + TrendSamples) % TrendSamples;
        int before = (_historyNext - 2 + TrendSamples) % TrendSamples;
        double seconds = (_timeHistory[last] - _timeHistory[before]) / 1e9;
        return seconds > 0 ? (_queueHistory[last] - _queueHistory[before]) / 1000 / seconds : 0;
    }

    /// <summary>Least-squares slope of queueing delay over the last <paramref name="count"/> samples, in s/s.</summary>
    double Slope(int count)
    {
        if (count < 3)
            return 0;
        double meanT = 0, meanQ = 0;
        long t0 = _timeHistory[(_historyNext - count + TrendSamples) % TrendSamples];
        for (int i = 0; i < count; i++)
        {
            int at = (_historyNext - count + i + TrendSamples) % TrendSamples;
            meanT += (_timeHistory[at] - t0) / 1e9;
            meanQ += _queueHistory[at] / 1000;
        }
        meanT /= count;
        meanQ /= count;
        double num = 0, den = 0;
        for (int i = 0; i < count; i++)
        {
            int at = (_historyNext - count + i + TrendSamples) % TrendSamples;
            double dt = (_timeHistory[at] - t0) / 1e9 - meanT;
            num += dt * (_queueHistory[at] / 1000 - meanQ);
            den += dt * dt;
        }
        return den > 0 ? num / den : 0;
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
