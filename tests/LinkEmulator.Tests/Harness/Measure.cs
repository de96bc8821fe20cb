using System.Globalization;

namespace Ristbond.LinkEmulator.Tests.Harness;

/// <summary>
/// Tests that measure time over real sockets run one at a time and alone (nothing else in parallel): on a
/// 2-core machine two of them at once would measure each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing (sockets, runs alone)";
}

internal static class Measure
{
    public static double Mean(IReadOnlyList<double> values) => values.Average();

    public static double StdDev(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        double[] sorted = [.. values.Order()];
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p / 100 * sorted.Length))];
    }

    /// <summary>
    /// Bits/s delivered between two arrival times: the bits of the packets after the first one in the window,
    /// over the time from the first to the last (each packet's bits are "paid for" by the gap before it).
    /// </summary>
    public static double DeliveredRate(long[] arrivalsInOrder, int wireBytesPerPacket, long fromNanos, long toNanos)
    {
        long[] inWindow = [.. arrivalsInOrder.Where(t => t >= fromNanos && t <= toNanos)];
        Assert.True(inWindow.Length > 10, $"only {inWindow.Length} packets arrived in the measuring window");
        double seconds = (inWindow[^1] - inWindow[0]) / 1e9;
        return (inWindow.Length - 1) * wireBytesPerPacket * 8 / seconds;
    }

    /// <summary>Lengths of runs of consecutive missing sequence numbers in [0, count).</summary>
    public static List<int> LossBursts(ArrivalLog log, int count)
    {
        var bursts = new List<int>();
        int run = 0;
        for (int seq = 0; seq < count; seq++)
        {
            if (!log.Arrived(seq))
            {
                run++;
            }
            else if (run > 0)
            {
                bursts.Add(run);
                run = 0;
            }
        }
        if (run > 0)
            bursts.Add(run);
        return bursts;
    }

    public static void Report(string text) =>
        TestContext.Current.TestOutputHelper?.WriteLine(text);

    public static string F(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);
}
