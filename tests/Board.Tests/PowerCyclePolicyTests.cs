using Ristbond.Board.Logic;
using Ristbond.Board.Profile;

namespace Ristbond.Board.Tests;

/// <summary>Power cycling in simulated time: when the line drops, for how long, and how the waits grow.</summary>
public sealed class PowerCyclePolicyTests
{
    const long S = 1_000_000_000;

    /// <summary>Runs the policy every 100 ms from <paramref name="from"/> to <paramref name="to"/> s; returns the times (s) of each action.</summary>
    static List<(double At, PowerAction Action)> Run(PowerCyclePolicy policy, double from, double to, Func<double, bool> failed)
    {
        var actions = new List<(double, PowerAction)>();
        for (long t = (long)(from * 10); t < (long)(to * 10); t++)
        {
            double seconds = t / 10.0;
            PowerAction action = policy.Update(failed(seconds), (long)(seconds * S));
            if (action != PowerAction.None)
                actions.Add((seconds, action));
        }
        return actions;
    }

    [Fact]
    public void A_slot_failed_for_after_s_is_off_for_off_s_and_the_waits_double_up_to_the_maximum()
    {
        var policy = new PowerCyclePolicy(new PowerCycleSpec { AfterS = 10, OffS = 2, MaxAfterS = 30 });
        var actions = Run(policy, 0, 100, _ => true);
        Assert.Equal(
            [(10.0, PowerAction.PowerOff), (12.0, PowerAction.PowerOn), // then 20 s from power-on
             (32.0, PowerAction.PowerOff), (34.0, PowerAction.PowerOn), // then 30 s (40 capped)
             (64.0, PowerAction.PowerOff), (66.0, PowerAction.PowerOn), (96.0, PowerAction.PowerOff), (98.0, PowerAction.PowerOn)],
            actions.Select(a => (Math.Round(a.At, 1), a.Action)));
        Assert.Equal(4, policy.Cycles);
    }

    [Fact]
    public void A_break_in_the_failure_restarts_the_wait_and_a_healthy_spell_resets_the_backoff()
    {
        var policy = new PowerCyclePolicy(new PowerCycleSpec { AfterS = 10, OffS = 2, MaxAfterS = 100 });
        // Failed 0..8, fine for a moment, failed again from 9: the cut comes at 19, not 10.
        Assert.Equal([(19.0, PowerAction.PowerOff), (21.0, PowerAction.PowerOn)],
            Run(policy, 0, 25, t => t is < 8 or >= 9).Select(a => (Math.Round(a.At, 1), a.Action)));
        Assert.Equal(20 * S, policy.WaitNanos);
        // Healthy 25..40 (at least after_s): the next failure waits after_s again.
        Assert.Empty(Run(policy, 25, 40, _ => false));
        Assert.Equal(10 * S, policy.WaitNanos);
        Assert.Equal([(50.0, PowerAction.PowerOff)], Run(policy, 40, 51, _ => true).Select(a => (Math.Round(a.At, 1), a.Action)));
    }

    [Fact]
    public void A_healthy_slot_is_never_cut()
    {
        var policy = new PowerCyclePolicy(new PowerCycleSpec { AfterS = 1, OffS = 1 });
        Assert.Empty(Run(policy, 0, 3600, _ => false));
        Assert.True(policy.Powered);
    }
}
