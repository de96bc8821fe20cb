namespace Ristbond.Bonding;

/// <summary>The minimum of the values added since a given time, over a bounded history.</summary>
public sealed class RecentMinimum(int capacity)
{
    readonly double[] _values = new double[capacity];
    readonly long[] _times = new long[capacity];
    int _count;
    int _next;

    public void Add(double value, long nowNanos)
    {
        _values[_next] = value;
        _times[_next] = nowNanos;
        _next = (_next + 1) % capacity;
        _count = Math.Min(_count + 1, capacity);
    }

    /// <summary>The smallest value added at or after <paramref name="sinceNanos"/>; +∞ if none.</summary>
    public double Minimum(long sinceNanos)
    {
        double min = double.PositiveInfinity;
        for (int i = 0; i < _count; i++)
        {
            int at = (_next - 1 - i + capacity) % capacity;
            if (_times[at] < sinceNanos)
                break;
            min = Math.Min(min, _values[at]);
        }
        return min;
    }
}
