using System.Net;

namespace Ristbond.LinkEmulator;

/// <summary>One link as configured: port 0 in <see cref="Listen"/> means "pick a free port".</summary>
public sealed record LinkConfig(string Name, IPEndPoint Listen, IPEndPoint Target, DirectionProfile Up, DirectionProfile Down);

/// <summary>A validated scenario: links to start and events to apply at their time after start.</summary>
public sealed record ScenarioFile(ulong Seed, IReadOnlyList<LinkConfig> Links, IReadOnlyList<ScenarioEvent> Events)
{
    /// <summary>Seed used when neither the scenario nor the command line gives one.</summary>
    public const ulong DefaultSeed = 1;
}

/// <summary>
/// A change to one link at <see cref="AtSeconds"/> after the scenario starts: partial profiles for either
/// direction and/or a blackout of <see cref="BlackoutSeconds"/>. Events are applied in time order (file order
/// among equal times).
/// </summary>
public sealed record ScenarioEvent(double AtSeconds, string Link, ProfilePatch? Up, ProfilePatch? Down, double? BlackoutSeconds);

/// <summary>
/// The fields an event changes; null fields keep their current value. Setting one queue limit clears the
/// other, so "queue_ms" after "queue_bytes" does what it says.
/// </summary>
public sealed record ProfilePatch
{
    public long? RateBps { get; init; }
    public int? QueueBytes { get; init; }
    public double? QueueMs { get; init; }
    public double? DelayMs { get; init; }
    public double? JitterMs { get; init; }
    public double? Loss { get; init; }
    public GilbertElliott? Burst { get; init; }

    /// <summary>Removes the Gilbert-Elliott model (written as <c>"ge": null</c> in a scenario).</summary>
    public bool ClearBurst { get; init; }

    public DirectionProfile ApplyTo(DirectionProfile current) => current with
    {
        RateBps = RateBps ?? current.RateBps,
        QueueBytes = QueueBytes ?? (QueueMs is null ? current.QueueBytes : null),
        QueueMs = QueueMs ?? (QueueBytes is null ? current.QueueMs : null),
        DelayMs = DelayMs ?? current.DelayMs,
        JitterMs = JitterMs ?? current.JitterMs,
        Loss = Loss ?? current.Loss,
        Burst = ClearBurst ? null : Burst ?? current.Burst,
    };
}
