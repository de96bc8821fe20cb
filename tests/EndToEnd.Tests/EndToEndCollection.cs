namespace Ristbond.EndToEnd.Tests;

/// <summary>End-to-end tests run one at a time: each streams in real time, and the machine has two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
