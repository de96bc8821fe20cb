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

    /// <summary>The p-th percentile (0..1, nearest rank) of the samples held; null before the first.</summary>
    public double? Percentile(double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1.0);
        int held = (int)Math.Min(Count, Size);
        if (held == 0)
            return null;
        float[] copy = new float[held];
        Array.Copy(_samples, copy, held);
        Array.Sort(copy);
        int rank = (int)Math.Ceiling(p * held) - 1;
        return copy[Math.Clamp(rank, 0, held - 1)];
    }
}
