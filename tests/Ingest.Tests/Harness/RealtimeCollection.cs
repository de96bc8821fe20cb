namespace Ristbond.Ingest.Tests.Harness;

/// <summary>
/// Tests that measure time against the real clock (file pacing, test source rate, UDP input) run one at a time and
/// never beside another collection: on a two-core machine a parallel test would steal the time they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealtimeCollection
{
    public const string Name = "realtime";
}
