namespace Ristbond.Bonding;

/// <summary>The rate of a cumulative counter over roughly the last <c>spanNanos</c>, from timestamped samples.</summary>
public sealed class CounterWindow(long spanNanos)
{
    const int Capacity = 64;
    readonly long[] _times = new long[Capacity];
    readonly long[] _values = new long[Capacity];
    int _count;
    int _next;

    public void Add(long nowNanos, long cumulative)
    {
        _times[_next] = nowNanos;
        _values[_next] = cumulative;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
    }

    public void Clear() => _count = 0;

    /// <summary>Counts per second between the newest sample and the oldest one within the span; false until the span is about covered.</summary>
    public bool TryRate(out double perSecond)
    {
        perSecond = 0;
        if (_count < 2)
            return false;
        int newest = (_next - 1 + Capacity) % Capacity;
        int oldest = newest;
        for (int i = 1; i < _count; i++)
        {
            int at = (newest - i + Capacity) % Capacity;
            oldest = at;
            if (_times[newest] - _times[at] >= spanNanos)
                break;
        }
        long elapsed = _times[newest] - _times[oldest];
        if (elapsed < spanNanos * 0.8)
            return false;
        perSecond = (_values[newest] - _values[oldest]) / (elapsed / 1e9);
        return true;
    }
}
