using Microsoft.Extensions.Logging;

namespace Ristbond.Appliance.Send;

/// <summary>Everything <c>ristbond send</c> was asked to do, checked for form by the command line.</summary>
public sealed record SendOptions
{
    public required string Input { get; init; }
    public required IReadOnlyList<string> Outputs { get; init; }
    public bool Loop { get; init; }
    /// <summary>Bit rate of the built-in test source.</summary>
    public long TestBitrateBps { get; init; } = 4_000_000;
    public string? StatsJson { get; init; }
    public string? ControlSocket { get; init; }
    public bool Table { get; init; }
    /// <summary>How long to wait at start for any link's receiver to answer; zero waits forever.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Stop after this long (benchmarks, tests); null runs until stopped.</summary>
    public TimeSpan? Duration { get; init; }
    public uint FlowId { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}
