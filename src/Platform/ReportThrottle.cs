namespace Ristbond.Platform;

/// <summary>Lets a repeating condition be logged at most once per interval, with the count of what was not logged.</summary>
public struct ReportThrottle(long intervalNanos)
{
    long _last = long.MinValue;
    long _suppressed;

    /// <summary>True when a report is due; <paramref name="suppressed"/> is how many were swallowed since the last one.</summary>
    public bool ShouldReport(long nowNanos, out long suppressed)
    {
        if (_last != long.MinValue && nowNanos - _last < intervalNanos)
        {
            _suppressed++;
            suppressed = 0;
            return false;
        }
        suppressed = _suppressed;
        _suppressed = 0;
        _last = nowNanos;
        return true;
    }
}
