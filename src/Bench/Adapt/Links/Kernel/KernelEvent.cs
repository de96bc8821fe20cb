using Ristbond.LinkEmulator;

namespace Ristbond.Bench.Adapt.Links.Kernel;

/// <summary>
/// A change to one kernel link at a scenario time. A scenario's blackout becomes two: dark at its start, light
/// at its end. Delay and queue changes have no kernel counterpart here and are left out (the report says so).
/// </summary>
public sealed record KernelEvent(double AtSeconds, string Link, long? RateBps, double? UpLoss, double? DownLoss, bool? Dark)
{
    public KernelLinkState ApplyTo(KernelLinkState link) => link with
    {
        RateBps = RateBps ?? link.RateBps,
        UpLoss = UpLoss ?? link.UpLoss,
        DownLoss = DownLoss ?? link.DownLoss,
        Dark = Dark ?? link.Dark,
    };

    /// <summary>The scenario's events in time order (the order of the scenario among equal times), blackout ends included.</summary>
    public static List<KernelEvent> Timeline(AdaptScenario scenario)
    {
        var events = new List<(KernelEvent Event, int Order)>();
        int order = 0;
        foreach (ScenarioEvent e in scenario.Events)
        {
            if (e.Up?.RateBps is not null || e.Up?.Loss is not null || e.Down?.Loss is not null)
                events.Add((new KernelEvent(e.AtSeconds, e.Link, e.Up?.RateBps, e.Up?.Loss, e.Down?.Loss, null), order++));
            if (e.BlackoutSeconds is double seconds)
            {
                events.Add((new KernelEvent(e.AtSeconds, e.Link, null, null, null, true), order++));
                events.Add((new KernelEvent(e.AtSeconds + seconds, e.Link, null, null, null, false), order++));
            }
        }
        return [.. events.OrderBy(e => e.Event.AtSeconds).ThenBy(e => e.Order).Select(e => e.Event)];
    }
}
