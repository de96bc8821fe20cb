namespace Ristbond.Ingest.Pacing;

/// <summary>
/// How bursty a byte counter is: fed its cumulative value at each control tick (every 100 ms), it gives the
/// highest tick's rate over the mean rate of the last <see cref="Ticks"/> ticks. 1 is perfectly even; a keyframe
/// sent within one frame interval on a 2 s GOP reads about 3 at 100 ms resolution. One thread.
/// </summary>
public sealed class BurstMeter
{
    public const int Ticks = 10;

    readonly long[] _bytes = new long[Ticks];
    int _next;
    int _count;
    long _lastTotal = -1;

    /// <summary>Takes the counter's value at the end of a tick.</summary>
    public void Add(long totalBytes)
    {
        if (_lastTotal >= 0)
        {
            _bytes[_next] = Math.Max(0, totalBytes - _lastTotal);
            _next = (_next + 1) % Ticks;
            _count = Math.Min(_count + 1, Ticks);
        }
        _lastTotal = totalBytes;
    }

    /// <summary>Peak tick over the mean tick of the window; null until a full window with traffic has been seen.</summary>
    public double? PeakToMean()
    {
        if (_count < Ticks)
            return null;
        long sum = 0, peak = 0;
        foreach (long b in _bytes)
        {
            sum += b;
            peak = Math.Max(peak, b);
        }
        return sum == 0 ? null : peak / (sum / (double)Ticks);
    }
}
