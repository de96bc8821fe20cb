namespace Ristbond.Bonding;

/// <summary>
/// The last <c>capacity</c> timestamped samples, newest first by age: the one history behind the controller's
/// windows (counter rates, recent minimum, rates sent a round trip ago). Fixed arrays, nothing allocated per sample.
/// </summary>
public sealed class TimedRing<T>(int capacity)
{
    readonly long[] _times = new long[capacity];
    readonly T[] _values = new T[capacity];
    int _next;

    public int Count { get; private set; }

    public void Add(long nowNanos, T value)
    {
        _times[_next] = nowNanos;
        _values[_next] = value;
        _next = (_next + 1) % capacity;
        Count = Math.Min(Count + 1, capacity);
    }

    public void Clear() => Count = 0;

    /// <summary>The sample <paramref name="age"/> places before the newest (0: the newest).</summary>
    public long TimeAt(int age) => _times[Index(age)];

    public T ValueAt(int age) => _values[Index(age)];

    int Index(int age) => (_next - 1 - age + capacity) % capacity;
}
