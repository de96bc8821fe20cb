namespace Ristbond.Bonding;

/// <summary>
/// Turns target shares into librist weights: integers out of <see cref="BondingOptions.WeightScale"/>, at least 1
/// (librist reads 0 as "a copy of every packet"), changed only when a share moves by more than
/// <see cref="BondingOptions.MinShareChange"/> or a state changes, and never reversed within
/// <see cref="BondingOptions.ReversalDwellNanos"/> unless the link fell (a fall always goes through at once).
/// </summary>
public sealed class WeightPlanner(BondingOptions options)
{
    sealed class Memory
    {
        public uint Weight;
        public int Direction;        // +1 last change was up, -1 down
        public long ChangedAt = long.MinValue / 2;
        public long RoseAt = long.MinValue / 2;
    }

    readonly Dictionary<string, Memory> _memory = [];

    public uint WeightOf(string link) => _memory.TryGetValue(link, out Memory? m) ? m.Weight : 0;

    public void Forget(string link) => _memory.Remove(link);

    /// <summary>
    /// Plans the weights for this tick. <paramref name="targets"/> are the links' wanted shares (summing to 1 over
    /// the links in rotation; 0 means out of rotation, null means "copy of every packet" (weight 0)); Free is true
    /// for a link that may reverse at once (it just fell, or is not damped). Returns whether any weight changed.
    /// </summary>
    public bool Plan(ReadOnlySpan<(string Link, double? Share, bool Free, bool StateChanged)> targets, long now)
    {
        bool changed = false;
        foreach (var (link, share, free, stateChanged) in targets)
        {
            if (!_memory.TryGetValue(link, out Memory? memory))
                _memory[link] = memory = new Memory { Weight = 1 };
            uint wanted = share is double s ? Math.Max(1, (uint)Math.Round(s * options.WeightScale)) : 0;
            if (wanted > memory.Weight && memory.Weight > 0 && !stateChanged)
            {
                // Cautious increase: a link gets more of the stream step by step, so an optimistic estimate shows
                // up as a queue on a small step, not a large one.
                double since = Math.Min(1, (now - memory.RoseAt) / 1e9);
                uint ceiling = memory.Weight + (uint)Math.Max(1, options.MaxShareRisePerSecond * options.WeightScale * since);
                wanted = Math.Min(wanted, ceiling);
            }
            if (wanted == memory.Weight)
                continue;
            double move = ((double)wanted - memory.Weight) / options.WeightScale;
            int direction = Math.Sign(move);
            bool meaningful = Math.Abs(move) >= options.MinShareChange || stateChanged;
            bool reversal = direction == -memory.Direction && now - memory.ChangedAt < options.ReversalDwellNanos;
            if (!meaningful || (reversal && !free))
                continue;
            memory.Weight = wanted;
            memory.Direction = direction;
            memory.ChangedAt = now;
            if (direction > 0)
                memory.RoseAt = now;
            changed = true;
        }
        return changed;
    }
}
