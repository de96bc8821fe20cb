namespace Ristbond.Ingest;

/// <summary>
/// The most recent <see cref="Size"/> samples of a measurement (milliseconds), written by one thread without a
/// lock or an allocation and read for percentiles by another. A reader may see a sample being overwritten; each
/// slot is a whole float, so it sees the old or the new value, which is fine for a once-a-second percentile.
/// </summary>
public sealed class SampleWindow
{
    public const int Size = 256;

    readonly float[] _samples = new float[Size];
    long _written;

    /// <summary>Samples added since start.</summary>
    public long Count => Interlocked.Read(ref _written);

    public void Add(double value)
    {
        long written = _written;
        Volatile.Write(ref _samples[(int)(written % Size)], (float)value);
        Interlocked.Exchange(ref _written, written + 1);
    }

    /// <summary>
    /// Two percentiles (0..1, nearest rank) of the samples held, from one sorted copy; nulls before the first sample.
    /// </summary>
    public (double? Low, double? High) Percentiles(double low, double high)
    {
        CheckFraction(low);
        CheckFraction(high);
        int held = (int)Math.Min(Count, Size);
        if (held == 0)
            return (null, null);
        float[] sorted = new float[held];
        Array.Copy(_samples, sorted, held);
        Array.Sort(sorted);
        return (Rank(sorted, low), Rank(sorted, high));
    }

    static double Rank(float[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    static void CheckFraction(double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1.0);
    }
}
