using Ristbond.Board.Profile;
using Ristbond.Platform;

namespace Ristbond.Board.Logic;

public enum PowerAction
{
    None,
    PowerOff,
    PowerOn,
}

/// <summary>
/// When to cut a slot's power: after it has been failed for <c>after_s</c> without a break, off for <c>off_s</c>, then
/// on again, and the next wait counted from power-on. Each cycle that did not help doubles the wait, up to
/// <c>max_after_s</c>; a slot that stays healthy for <c>after_s</c> is back to the first wait. Pure: the time is given.
/// </summary>
public sealed class PowerCyclePolicy(PowerCycleSpec spec)
{
    readonly long _firstWaitNanos = Nanos(spec.AfterS);
    readonly long _maxWaitNanos = Nanos(spec.MaxAfterS);
    readonly long _offNanos = Nanos(spec.OffS);
    long? _failedSince;
    long? _healthySince;
    long _offUntil;

    public bool Powered { get; private set; } = true;
    /// <summary>Power cycles so far.</summary>
    public int Cycles { get; private set; }
    /// <summary>How long the slot must stay failed before the next cut.</summary>
    public long WaitNanos { get; private set; } = Nanos(spec.AfterS);

    public PowerAction Update(bool failed, long nowNanos)
    {
        if (!Powered)
        {
            if (nowNanos < _offUntil)
                return PowerAction.None;
            Powered = true;
            // A modem needs its boot time back: the wait counts from power-on.
            _failedSince = nowNanos;
            _healthySince = null;
            WaitNanos = Math.Min(WaitNanos * 2, _maxWaitNanos);
            return PowerAction.PowerOn;
        }
        if (!failed)
        {
            _failedSince = null;
            _healthySince ??= nowNanos;
            if (nowNanos - _healthySince >= _firstWaitNanos)
                WaitNanos = _firstWaitNanos;
            return PowerAction.None;
        }
        _healthySince = null;
        _failedSince ??= nowNanos;
        if (nowNanos - _failedSince < WaitNanos)
            return PowerAction.None;
        Powered = false;
        _offUntil = nowNanos + _offNanos;
        Cycles++;
        return PowerAction.PowerOff;
    }

    /// <summary>How long the slot has been failed (0 when it is not).</summary>
    public long FailedForNanos(long nowNanos) => _failedSince is long since ? nowNanos - since : 0;

    static long Nanos(double seconds) => (long)(seconds * MonotonicClock.NanosPerSecond);
}
