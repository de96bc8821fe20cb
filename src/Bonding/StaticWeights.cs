namespace Ristbond.Bonding;

/// <summary>
/// The simplest policy: each live link gets its configured weight, any other link the smallest share librist can
/// give (weight 0 would mean "a copy of every packet" to librist), so a link that has not answered yet, or has
/// gone silent, costs almost nothing while staying probed. Weights are scaled so that share is ≈1 in 1000.
/// </summary>
public static class StaticWeights
{
    public const uint Scale = 1000;
    public const uint OutOfRotation = 1;

    /// <summary>The librist weight for a link configured with <paramref name="configured"/> (≥ 1) in <paramref name="state"/>.</summary>
    public static uint For(LinkState state, uint configured) =>
        state == LinkState.Live ? Math.Max(1, configured) * Scale : OutOfRotation;
}
