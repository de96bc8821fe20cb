namespace Ristbond.Bench.Adapt;

/// <summary>A drop of a bitrate: from a peak to the lowest point within <see cref="GoalFigures.CutWindowSeconds"/> after it, and the capacity's fall around it.</summary>
/// <param name="Depth">1 − trough ÷ peak.</param>
/// <param name="CapacityChange">The links' relative fall that could have caused it: 1 − the lowest capacity within the window around the cut ÷ the capacity before it (0 or less: nothing fell).</param>
public readonly record struct BitrateCut(double PeakT, double Peak, double TroughT, double Trough, double Depth, double CapacityChange)
{
    /// <summary>The cut's depth against the capacity change that caused it; infinite for a cut without cause.</summary>
    public double DepthToCause => CapacityChange > GoalFigures.NoCauseBelow ? Depth / CapacityChange : double.PositiveInfinity;
}

/// <summary>
/// The arithmetic behind the goals, as pure functions over recorded series (scenario seconds): bitrate
/// cuts against the capacity change that caused them, the variation of the bitrate over steady windows, the
/// burstiness the links see, and the capacity a scenario's links offered over a window.
/// </summary>
public static class GoalFigures
{
    /// <summary>A cut is what a bitrate loses within this long after a peak (an encoder whipsawed twice in 2 s shows two).</summary>
    public const double CutWindowSeconds = 2;
    /// <summary>A deep cut: the goal's "more than 30% within 2 s".</summary>
    public const double DeepCut = 0.30;
    /// <summary>Drops smaller than this are the bitrate's ordinary wiggle, not cuts (the recommendation moves in 3% steps).</summary>
    public const double MinCut = 0.10;
    /// <summary>A capacity change under this is no cause: a cut then is a cut without cause.</summary>
    public const double NoCauseBelow = 0.01;
    /// <summary>How long before a cut's peak its cause may lie: the controller's reaction (1 s goal) and the stats' second.</summary>
    public const double CauseLeadSeconds = 2;
    /// <summary>A window with no capacity change this long is steady (the goal's 30 s).</summary>
    public const double SteadySeconds = 30;

    /// <summary>
    /// Every cut of at least <see cref="MinCut"/>: at each local peak (a sample higher than the one after it and
    /// not lower than the one before), the lowest value within <see cref="CutWindowSeconds"/> after it, before the
    /// series climbs above the peak again. The capacity change is the links' fall from
    /// <see cref="CauseLeadSeconds"/> before the peak to the lowest capacity up to the trough.
    /// </summary>
    public static List<BitrateCut> Cuts(IReadOnlyList<TimePoint> series, Func<double, double> capacityAt)
    {
        var cuts = new List<BitrateCut>();
        for (int i = 0; i + 1 < series.Count; i++)
        {
            TimePoint peak = series[i];
            bool isPeak = series[i + 1].Value < peak.Value && (i == 0 || series[i - 1].Value <= peak.Value);
            if (!isPeak || peak.Value <= 0)
                continue;
            TimePoint trough = peak;
            for (int j = i + 1; j < series.Count && series[j].T <= peak.T + CutWindowSeconds && series[j].Value <= peak.Value; j++)
            {
                if (series[j].Value < trough.Value)
                    trough = series[j];
            }
            double depth = 1 - trough.Value / peak.Value;
            if (depth < MinCut)
                continue;
            double before = capacityAt(peak.T - CauseLeadSeconds), lowest = before;
            for (double t = peak.T - CauseLeadSeconds; t <= trough.T; t += 0.1)
                lowest = Math.Min(lowest, capacityAt(t));
            cuts.Add(new BitrateCut(peak.T, peak.Value, trough.T, trough.Value, depth, before > 0 ? 1 - lowest / before : 0));
        }
        return cuts;
    }

    /// <summary>Standard deviation ÷ mean of the samples with from ≤ T &lt; to; null with fewer than two or a mean of 0.</summary>
    public static double? CoefficientOfVariation(IReadOnlyList<TimePoint> series, double from, double to)
    {
        double[] values = [.. series.Where(p => p.T >= from && p.T < to).Select(p => p.Value)];
        if (values.Length < 2)
            return null;
        double mean = values.Average();
        if (mean <= 0)
            return null;
        double variance = values.Sum(v => (v - mean) * (v - mean)) / values.Length;
        return Math.Sqrt(variance) / mean;
    }

    /// <summary>
    /// The last <see cref="SteadySeconds"/> of every stretch between the changes (start, end and every change time)
    /// that lasts at least that long: the settled part of each steady window.
    /// </summary>
    public static List<(double From, double To)> SteadyWindows(IEnumerable<double> changeTimes, double duration)
    {
        double[] bounds = [.. changeTimes.Where(t => t > 0 && t < duration).Append(0).Append(duration).Distinct().Order()];
        var windows = new List<(double, double)>();
        for (int i = 0; i + 1 < bounds.Length; i++)
        {
            if (bounds[i + 1] - bounds[i] >= SteadySeconds - 1e-9)
                windows.Add((bounds[i + 1] - SteadySeconds, bounds[i + 1]));
        }
        return windows;
    }

    /// <summary>
    /// Peak rate over one sample interval (100 ms) ÷ mean rate, of a cumulative byte counter between two times;
    /// null when nothing was counted. A link that is given its share evenly shows about 1; one given a round's worth
    /// at once, or a keyframe's burst, shows its peak.
    /// </summary>
    public static double? Burstiness(IReadOnlyList<double> times, IReadOnlyList<long> cumulative, double from, double to)
    {
        double peak = 0, bytes = 0, seconds = 0;
        for (int i = 1; i < times.Count; i++)
        {
            if (times[i - 1] < from || times[i] > to)
                continue;
            double dt = times[i] - times[i - 1], db = cumulative[i] - cumulative[i - 1];
            if (dt <= 0)
                continue;
            peak = Math.Max(peak, db / dt);
            bytes += db;
            seconds += dt;
        }
        return bytes > 0 && seconds > 0 ? peak / (bytes / seconds) : null;
    }

    /// <summary>∫ capacity dt ÷ (to − from): the mean of a piecewise-constant capacity, sampled every 10 ms.</summary>
    public static double MeanCapacity(Func<double, double> capacityAt, double from, double to)
    {
        const double step = 0.01;
        double sum = 0;
        int n = 0;
        for (double t = from + step / 2; t < to; t += step, n++)
            sum += capacityAt(t);
        return n == 0 ? 0 : sum / n;
    }
}
