namespace Ristbond.Bonding;

/// <summary>
/// A link's state with hysteresis and flap damping: it becomes degraded only after its health has been low for
/// a while and recovers only after it has been good for longer; each fall adds to a penalty that halves over
/// time, and while the penalty is high the link stays degraded, so a marginal link does not make the split flap.
/// A dip of health (from good to poor, even too short to degrade) counts too: flapping is dips, not states.
/// Death is immediate (silence past the dead threshold) and so is coming back (to probing).
/// </summary>
public sealed class LinkStateMachine(BondingOptions options)
{
    long _since;
    long _lowSince = long.MinValue;
    long _goodSince = long.MinValue;
    double _penalty;
    long _penaltyAt;
    bool _healthy = true;

    /// <summary>How far above the dip threshold health must come back before another fall counts as another dip.</summary>
    const double DipRearm = 0.1;

    public LinkState State { get; private set; } = LinkState.Connecting;
    public double FlapPenalty => _penalty;

    /// <summary>Moves the state on; returns true if it changed.</summary>
    /// <param name="queueDelayMs">
    /// The link's queue: answers already wait that long behind our data, so a queue that builds by that much delays
    /// them by as much without the link being any less alive. Silence counts past the dead threshold plus it.
    /// </param>
    public bool Update(long now, long lastRtcpNanos, double health, double queueDelayMs = 0)
    {
        DecayPenalty(now);
        if (State.CarriesTraffic())
        {
            if (_healthy && health < options.DipBelow)
            {
                _healthy = false;
                _penalty += 1;
            }
            else if (health > Math.Max(options.RecoveredAbove, options.DipBelow + DipRearm))
            {
                _healthy = true;
            }
        }
        bool heard = lastRtcpNanos != 0;
        bool silent = heard && now - lastRtcpNanos > options.DeadAfterNanos + (long)(Math.Max(0, queueDelayMs) * 1_000_000);
        LinkState next = State switch
        {
            LinkState.Connecting => heard && !silent ? LinkState.Probing : LinkState.Connecting,
            LinkState.Dead => heard && !silent ? LinkState.Probing : LinkState.Dead,
            _ when silent => LinkState.Dead,
            LinkState.Probing => now - _since >= options.ProbingNanos ? (health < options.DegradedBelow ? LinkState.Degraded : LinkState.Live) : LinkState.Probing,
            LinkState.Live => _penalty >= options.FlapHoldPenalty
                || Sustained(health < options.DegradedBelow, ref _lowSince, now, options.DegradeAfterNanos) ? LinkState.Degraded : LinkState.Live,
            LinkState.Degraded => _penalty < options.FlapHoldPenalty
                && Sustained(health > options.RecoveredAbove, ref _goodSince, now, options.RecoverAfterNanos) ? LinkState.Live : LinkState.Degraded,
            _ => State,
        };
        if (State is not LinkState.Live)
            _lowSince = long.MinValue;
        if (State is not LinkState.Degraded)
            _goodSince = long.MinValue;
        if (next == State)
            return false;
        if (next is LinkState.Dead)
            _penalty += 1;
        if (next is LinkState.Degraded && _healthy)
            _penalty += 1; // a slow decline that never dipped sharply
        State = next;
        _since = now;
        _lowSince = _goodSince = long.MinValue;
        return true;
    }

    static bool Sustained(bool condition, ref long since, long now, long duration)
    {
        if (!condition)
        {
            since = long.MinValue;
            return false;
        }
        if (since == long.MinValue)
            since = now;
        return now - since >= duration;
    }

    void DecayPenalty(long now)
    {
        if (_penaltyAt != 0 && _penalty > 0)
            _penalty *= Math.Pow(0.5, (now - _penaltyAt) / (double)options.FlapHalfLifeNanos);
        _penaltyAt = now;
    }
}
