namespace Ristbond.Bonding;

/// <summary>The rate of a cumulative counter over roughly the last <c>spanNanos</c>, from timestamped samples.</summary>
public sealed class CounterWindow(long spanNanos)
{
    readonly TimedRing<long> _samples = new(64);

    public void Add(long nowNanos, long cumulative) => _samples.Add(nowNanos, cumulative);

    public void Clear() => _samples.Clear();

    /// <summary>Counts per second between the newest sample and the oldest one within the span; false until the span is about covered.</summary>
    public bool TryRate(out double perSecond)
    {
        perSecond = 0;
        if (_samples.Count < 2)
            return false;
        long newest = _samples.TimeAt(0);
        int oldest = 0;
        for (int age = 1; age < _samples.Count; age++)
        {
            oldest = age;
            if (newest - _samples.TimeAt(age) >= spanNanos)
                break;
        }
        long elapsed = newest - _samples.TimeAt(oldest);
        if (elapsed < spanNanos * 0.8)
            return false;
        perSecond = (_samples.ValueAt(0) - _samples.ValueAt(oldest)) / (elapsed / 1e9);
        return true;
    }
}
