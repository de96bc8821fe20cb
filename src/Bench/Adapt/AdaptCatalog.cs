using Ristbond.Bench.Adapt.Traces;
using Ristbond.LinkEmulator;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// The scenarios of <c>ristbond bench adapt</c>, each run over either back-end. Links carry their rate up (sender →
/// receiver) with a 250 ms queue, and the same one-way delay both ways (the emulator only: the host kernel has no
/// netem); the return direction has no rate limit. Bitrates follow one rule for every scenario
/// (<see cref="AdaptScenario.BaselineBitrateBps"/>).
/// </summary>
public static class AdaptCatalog
{
    const long M = 1_000_000;

    static AdaptLink[] ThreeLinks(long rateBps, double a = 30, double b = 50, double c = 70) =>
        [new("a", rateBps, a), new("b", rateBps, b), new("c", rateBps, c)];

    public static AdaptScenario StepDown { get; } = new()
    {
        Name = "step-down",
        Description = "3 links 8 Mbps at 30/50/70 ms; at 15 s link b drops to 2 Mbps",
        Kind = AdaptKind.StepDown,
        DurationSeconds = 30,
        Links = ThreeLinks(8 * M),
        Events = [AdaptScenario.RateChange(15, "b", 2 * M)],
        Subject = "b",
        MetricFromSeconds = 15,
    };

    public static AdaptScenario Loss { get; } = new()
    {
        Name = "loss",
        Description = "3 links 6 Mbps at 40/50/60 ms; at 15 s link b gets 5% loss both ways",
        Kind = AdaptKind.Loss,
        DurationSeconds = 30,
        Links = ThreeLinks(6 * M, 40, 50, 60),
        Events = [AdaptScenario.LossBothWays(15, "b", 0.05)],
        Subject = "b",
        MetricFromSeconds = 15,
    };

    public static AdaptScenario Blackout { get; } = new()
    {
        Name = "blackout",
        Description = "3 links 6 Mbps at 30/50/70 ms; at 15 s link a (lowest RTT) blacks out for 10 s",
        Kind = AdaptKind.Blackout,
        DurationSeconds = 30,
        Links = ThreeLinks(6 * M),
        Events = [AdaptScenario.Blackout(15, "a", 10)],
        Subject = "a",
        MetricFromSeconds = 15,
    };

    public static AdaptScenario Aggregation { get; } = new()
    {
        Name = "aggregation",
        Description = "2/4/8 Mbps at 30/60/120 ms (heterogeneous); goodput over the last 20 s",
        Kind = AdaptKind.Aggregation,
        DurationSeconds = 40,
        Links = [new("a", 2 * M, 30), new("b", 4 * M, 60), new("c", 8 * M, 120)],
        MetricFromSeconds = 20,
        MetricToSeconds = 40,
        CapacityGoal = 0.9,
    };

    /// <summary>The kernel step: small equal links, one falls to a quarter; long enough after the step for a steady 30 s.</summary>
    public static AdaptScenario TbfStep { get; } = new()
    {
        Name = "tbf-step",
        Description = "3 links 4 Mbps at 30/50/70 ms; at 10 s link b drops to 1 Mbps",
        Kind = AdaptKind.StepDown,
        DurationSeconds = 45,
        Links = ThreeLinks(4 * M),
        Events = [AdaptScenario.RateChange(10, "b", 1 * M)],
        Subject = "b",
        MetricFromSeconds = 10,
        CapacityGoal = 0.9,
    };

    /// <summary>Three links following the shipped LTE uplink traces (src/Bench/Adapt/Traces/README.md).</summary>
    public static AdaptScenario LteTraces { get; } = new AdaptScenario
    {
        Name = "lte-traces",
        Description = "3 links following LTE uplink traces (slow fading 5 Mbps, fast variation 3 Mbps, handovers and an outage 7 Mbps) at 40/55/70 ms",
        Kind = AdaptKind.Trace,
        DurationSeconds = 90,
        Links =
        [
            AdaptLink.Following("a", CapacityTrace.Shipped("lte-slow-fading"), 40),
            AdaptLink.Following("b", CapacityTrace.Shipped("lte-fast-variation"), 55),
            AdaptLink.Following("c", CapacityTrace.Shipped("lte-handover-outage"), 70),
        ],
        CapacityGoal = 0.75,
    }.FollowTraces();

    public static AdaptScenario Flapping { get; } = new()
    {
        Name = "flapping",
        Description = "3 links 6 Mbps at 30/50/70 ms; link c 1 s bad (4% loss, +80 ms, both ways) / 1 s good from 10 s to 40 s",
        Kind = AdaptKind.Flapping,
        DurationSeconds = 45,
        Links = ThreeLinks(6 * M),
        Events = [.. FlapEvents("c", from: 10, to: 40, goodDelayMs: 70)],
        Subject = "c",
        MetricFromSeconds = 10,
        MetricToSeconds = 40,
    };

    public static AdaptScenario Healed { get; } = new()
    {
        Name = "healed",
        Description = "3 links 6 Mbps at 30/50/70 ms; link b blacked out from 10 s to 20 s, then healthy again",
        Kind = AdaptKind.Healed,
        DurationSeconds = 35,
        Links = ThreeLinks(6 * M),
        Events = [AdaptScenario.Blackout(10, "b", 10)],
        Subject = "b",
        MetricFromSeconds = 20,
    };

    /// <summary>An 8-second <c>blackout</c> for tests of the bench itself: link a dark from 4 s to 7 s.</summary>
    public static AdaptScenario BlackoutShort { get; } = Blackout with
    {
        Name = "blackout-short",
        Description = "3 links 6 Mbps at 30/50/70 ms; at 4 s link a blacks out for 3 s (8 s; a check of the bench itself)",
        DurationSeconds = 8,
        Events = [AdaptScenario.Blackout(4, "a", 3)],
        MetricFromSeconds = 4,
        Hidden = true,
    };

    /// <summary>A 15-second <c>tbf-step</c> for tests of the bench itself: link b to 1 Mbps at 7 s.</summary>
    public static AdaptScenario TbfStepShort { get; } = TbfStep with
    {
        Name = "tbf-step-short",
        Description = "3 links 4 Mbps at 30/50/70 ms; at 7 s link b drops to 1 Mbps (15 s; a check of the bench itself)",
        DurationSeconds = 15,
        Events = [AdaptScenario.RateChange(7, "b", 1 * M)],
        MetricFromSeconds = 7,
        Hidden = true,
    };

    /// <summary>Every scenario, in the order <c>--scenario all</c> runs the visible ones.</summary>
    public static IReadOnlyList<AdaptScenario> Scenarios { get; } =
        [StepDown, Loss, Blackout, Aggregation, Flapping, Healed, TbfStep, LteTraces, BlackoutShort, TbfStepShort];

    public static IEnumerable<AdaptScenario> Visible => Scenarios.Where(s => !s.Hidden);

    public static AdaptScenario? Find(string name) => Scenarios.FirstOrDefault(s => s.Name == name);

    /// <summary>Bad (loss, +80 ms) at from, from+2, …; good again a second later each time.</summary>
    static IEnumerable<ScenarioEvent> FlapEvents(string link, int from, int to, double goodDelayMs)
    {
        for (int t = from; t < to; t += 2)
        {
            yield return AdaptScenario.Impair(t, link, 0.04, goodDelayMs + 80);
            yield return AdaptScenario.Impair(t + 1, link, 0, goodDelayMs);
        }
    }
}
