using System.Globalization;

namespace Ristbond.Video.Tests.Harness;

/// <summary>
/// What a stream of access units does to the links, from their sizes alone: the largest one against the mean, the
/// most bits in any window of the latency budget, and how far behind a pacer sending at exactly the bitrate would
/// fall (the queue a burst builds, in milliseconds of the bitrate).
/// </summary>
public sealed record StreamFigures(double MeanBytes, int LargestBytes, double PeakOverMean, long MostBitsInBudgetWindow, double LongestQueueMs)
{
    /// <param name="sizes">Access unit sizes in bytes, one per frame, in order.</param>
    public static StreamFigures Of(IReadOnlyList<int> sizes, double framesPerSecond, long bitsPerSecond, int budgetMilliseconds)
    {
        double mean = sizes.Average();
        int largest = sizes.Max();
        int window = Math.Max(1, (int)Math.Round(budgetMilliseconds * framesPerSecond / 1000));
        long most = 0, inWindow = 0;
        for (int i = 0; i < sizes.Count; i++)
        {
            inWindow += sizes[i] * 8L;
            if (i >= window)
                inWindow -= sizes[i - window] * 8L;
            most = Math.Max(most, inWindow);
        }
        // Each access unit arrives whole at its frame time; the pacer drains bitsPerSecond continuously.
        double queueBits = 0, longestBits = 0, drainPerFrame = bitsPerSecond / framesPerSecond;
        foreach (int size in sizes)
        {
            queueBits = Math.Max(0, queueBits - drainPerFrame) + size * 8.0;
            longestBits = Math.Max(longestBits, queueBits);
        }
        return new StreamFigures(mean, largest, largest / mean, most, longestBits * 1000 / bitsPerSecond);
    }

    public string Describe(long bitsPerSecond, int budgetMilliseconds)
    {
        long budgetBits = bitsPerSecond * budgetMilliseconds / 1000;
        return string.Create(CultureInfo.InvariantCulture,
            $"{MeanBytes * 8 / 1000:F1} kbit mean, largest {LargestBytes * 8 / 1000.0:F1} kbit (peak/mean {PeakOverMean:F2}; " +
            $"budget {budgetBits / 1000} kbit), most in {budgetMilliseconds} ms {MostBitsInBudgetWindow / 1000.0:F0} kbit " +
            $"({(double)MostBitsInBudgetWindow / budgetBits:F2} x budget), queue at the bitrate up to {LongestQueueMs:F0} ms");
    }
}
