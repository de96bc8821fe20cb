namespace Ristbond.Bonding;

/// <summary>
/// Turns target shares into librist weights: integers out of <see cref="BondingOptions.WeightScale"/>, at least 1
/// (librist reads 0 as "a copy of every packet"), changed only when a share moves by
/// <see cref="BondingOptions.MinShareChange"/> or more, or a state changes. Stability is not made here: shares
/// come from proven capacity and a health that falls at once and rises only after it has held, and a degraded
/// link wins no share back (<see cref="BondingController"/>). A planner that also held weights against reversals
/// left the stream on a lossy link for seconds while the healthy ones waited out their dwell (bench adapt).
/// </summary>
public sealed class WeightPlanner(BondingOptions options)
{
    readonly Dictionary<string, uint> _weights = [];

    public uint WeightOf(string link) => _weights.TryGetValue(link, out uint weight) ? weight : 0;

    public void Forget(string link) => _weights.Remove(link);

    /// <summary>
    /// Plans the weights for this tick. <paramref name="targets"/> are the links' wanted shares (summing to 1 over
    /// the links in rotation; 0 means out of rotation, null means "copy of every packet" (weight 0)). Returns
    /// whether any weight changed.
    /// </summary>
    /// <summary>A weight change of this share of the weight itself is made even when it is a small part of the stream.</summary>
    const double MinRelativeChange = 0.25;

    public bool Plan(ReadOnlySpan<(string Link, double? Share, bool StateChanged)> targets)
    {
        bool changed = false;
        foreach (var (link, share, stateChanged) in targets)
        {
            uint current = _weights.TryGetValue(link, out uint w) ? w : 1;
            uint wanted = share is double s ? Math.Max(1, (uint)Math.Round(s * options.WeightScale)) : 0;
            // A move counts when it is large for the stream or for the link: three points of a link at 50 are noise,
            // three of a link at 6 are half its share.
            double move = Math.Abs((double)wanted - current);
            bool small = move < options.MinShareChange * options.WeightScale && move < MinRelativeChange * Math.Max(wanted, current);
            if (wanted == current || (small && !stateChanged && current != 0 && wanted != 0))
            {
                _weights[link] = current;
                continue;
            }
            _weights[link] = wanted;
            changed = true;
        }
        return changed;
    }
}
