namespace Ristbond.Bench.Adapt;

/// <summary>One value of a timeline at <see cref="T"/> seconds after the scenario started.</summary>
public readonly record struct TimePoint(double T, double Value);

/// <summary>
/// The arithmetic of the adaptation bench, as pure functions over recorded timelines (no clock, no I/O), so each
/// one is tested on synthetic timelines.
/// </summary>
public static class AdaptMetrics
{
    /// <summary>
    /// The time of the first sample at or after <paramref name="from"/> whose value meets
    /// <paramref name="condition"/> and keeps meeting it in every sample up to <paramref name="holdSeconds"/>
    /// later; null if there is none.
    /// </summary>
    public static double? FirstTimeHolding(IReadOnlyList<TimePoint> series, double from, Func<double, bool> condition, double holdSeconds = 0)
    {
        for (int i = 0; i < series.Count; i++)
        {
            if (series[i].T < from || !condition(series[i].Value))
                continue;
            bool holds = true;
            for (int j = i + 1; j < series.Count && series[j].T <= series[i].T + holdSeconds; j++)
            {
                if (!condition(series[j].Value))
                {
                    holds = false;
                    break;
                }
            }
            if (holds)
                return series[i].T;
        }
        return null;
    }

    /// <summary>Seconds from <paramref name="eventAt"/> until the condition is met (and held); null if never.</summary>
    public static double? SecondsUntil(IReadOnlyList<TimePoint> series, double eventAt, Func<double, bool> condition, double holdSeconds = 0) =>
        FirstTimeHolding(series, eventAt, condition, holdSeconds) is double t ? t - eventAt : null;

    /// <summary>The mean of the samples with from ≤ T &lt; to; null if there are none.</summary>
    public static double? Mean(IReadOnlyList<TimePoint> series, double from, double to)
    {
        double sum = 0;
        int count = 0;
        foreach (TimePoint p in series)
        {
            if (p.T >= from && p.T < to)
            {
                sum += p.Value;
                count++;
            }
        }
        return count == 0 ? null : sum / count;
    }

    /// <summary>
    /// The share of counter <paramref name="index"/> in what all <paramref name="counters"/> grew by, over a window
    /// of at least <paramref name="windowSeconds"/> ending at each sample, stamped at the window's centre (so a step
    /// in the share is placed where it happened, ± half a window). Windows in which nothing grew are left out.
    /// </summary>
    /// <param name="times">Sample times, ascending.</param>
    /// <param name="counters">Cumulative counters, one array per link, sampled at <paramref name="times"/>.</param>
    public static List<TimePoint> WindowedShare(IReadOnlyList<double> times, IReadOnlyList<IReadOnlyList<long>> counters, int index, double windowSeconds)
    {
        var shares = new List<TimePoint>(times.Count);
        int start = 0;
        for (int i = 0; i < times.Count; i++)
        {
            while (start + 1 < i && times[start + 1] <= times[i] - windowSeconds)
                start++;
            if (times[i] - times[start] < windowSeconds * 0.999)
                continue;
            long total = 0;
            foreach (IReadOnlyList<long> counter in counters)
                total += counter[i] - counter[start];
            if (total <= 0)
                continue;
            shares.Add(new TimePoint((times[i] + times[start]) / 2, (counters[index][i] - counters[index][start]) / (double)total));
        }
        return shares;
    }

    /// <summary>The rate of a cumulative counter (per second) over windows of at least <paramref name="windowSeconds"/>, at window centres.</summary>
    public static List<TimePoint> WindowedRate(IReadOnlyList<double> times, IReadOnlyList<long> counter, double windowSeconds, double scale = 1)
    {
        var rates = new List<TimePoint>(times.Count);
        int start = 0;
        for (int i = 0; i < times.Count; i++)
        {
            while (start + 1 < i && times[start + 1] <= times[i] - windowSeconds)
                start++;
            double span = times[i] - times[start];
            if (span < windowSeconds * 0.999)
                continue;
            rates.Add(new TimePoint((times[i] + times[start]) / 2, (counter[i] - counter[start]) * scale / span));
        }
        return rates;
    }

    /// <summary>
    /// The mean rate of a cumulative counter between two times (linear interpolation between samples), per second;
    /// null if the samples do not cover the interval.
    /// </summary>
    public static double? AverageRate(IReadOnlyList<TimePoint> cumulative, double from, double to)
    {
        if (!(to > from) || cumulative.Count < 2 || cumulative[0].T > from || cumulative[^1].T < to)
            return null;
        return (Interpolate(cumulative, to) - Interpolate(cumulative, from)) / (to - from);
    }

    static double Interpolate(IReadOnlyList<TimePoint> series, double t)
    {
        for (int i = 1; i < series.Count; i++)
        {
            if (series[i].T >= t)
            {
                TimePoint a = series[i - 1], b = series[i];
                return b.T == a.T ? b.Value : a.Value + (b.Value - a.Value) * (t - a.T) / (b.T - a.T);
            }
        }
        return series[^1].Value;
    }

    /// <summary>
    /// The times at which a series reverses: each move of at least <paramref name="minRelativeChange"/> of the value
    /// it moved from (smaller changes are ignored, but add up until they make such a move) has a direction, and a
    /// reversal is a move whose direction is opposite to the previous move's.
    /// </summary>
    public static List<double> ReversalTimes(IReadOnlyList<TimePoint> series, double minRelativeChange)
    {
        var reversals = new List<double>();
        if (series.Count == 0)
            return reversals;
        double reference = series[0].Value;
        int lastDirection = 0;
        for (int i = 1; i < series.Count; i++)
        {
            double change = series[i].Value - reference;
            if (change == 0 || Math.Abs(change) < minRelativeChange * Math.Abs(reference))
                continue;
            int direction = Math.Sign(change);
            if (lastDirection != 0 && direction != lastDirection)
                reversals.Add(series[i].T);
            lastDirection = direction;
            reference = series[i].Value;
        }
        return reversals;
    }

    /// <summary>The largest number of <paramref name="times"/> (ascending) inside any window [t, t + window).</summary>
    public static int MaxInWindow(IReadOnlyList<double> times, double windowSeconds)
    {
        int best = 0, start = 0;
        for (int end = 0; end < times.Count; end++)
        {
            while (times[end] - times[start] >= windowSeconds)
                start++;
            best = Math.Max(best, end - start + 1);
        }
        return best;
    }

    /// <summary>value ÷ Σ values per sample, for samples whose sum is positive; the values are per-link series sampled together.</summary>
    public static List<TimePoint> ShareOfSum(IReadOnlyList<double> times, IReadOnlyList<IReadOnlyList<double>> values, int index)
    {
        var shares = new List<TimePoint>(times.Count);
        for (int i = 0; i < times.Count; i++)
        {
            double total = 0;
            foreach (IReadOnlyList<double> v in values)
                total += v[i];
            if (total > 0)
                shares.Add(new TimePoint(times[i], values[index][i] / total));
        }
        return shares;
    }
}
