namespace Ristbond.Bonding;

/// <summary>The minimum of the values added since a given time, over a bounded history.</summary>
public sealed class RecentMinimum(int capacity)
{
    readonly TimedRing<double> _samples = new(capacity);

    public void Add(double value, long nowNanos) => _samples.Add(nowNanos, value);

    /// <summary>The smallest value added at or after <paramref name="sinceNanos"/>; +∞ if none.</summary>
    public double Minimum(long sinceNanos)
    {
        double min = double.PositiveInfinity;
        for (int age = 0; age < _samples.Count && _samples.TimeAt(age) >= sinceNanos; age++)
            min = Math.Min(min, _samples.ValueAt(age));
        return min;
    }
}
