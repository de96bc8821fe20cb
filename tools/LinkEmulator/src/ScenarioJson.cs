using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ristbond.LinkEmulator;

// The scenario file's JSON shape, read by the source-generated serializer (no reflection, NativeAOT-safe).
// Everything is nullable so that Scenario can tell "missing" from "wrong" and name the field; values that may be
// a number or a string ("rate": 8000000 or "8M", "loss": 0.01 or "1%") and "ge", which may be null to remove the
// model, are JsonElement (ValueKind Undefined when absent) and are parsed by Scenario with the Units parsers.
// "ge" is an object {"p", "r", "loss_good", "loss_bad"}, read field by field so that an error names its path.

internal sealed class ScenarioJson
{
    public ulong? Seed { get; set; }
    public List<LinkJson?>? Links { get; set; }
    public List<EventJson?>? Events { get; set; }
}

internal sealed class LinkJson
{
    public string? Name { get; set; }
    public string? Listen { get; set; }
    public string? Target { get; set; }
    public ProfileJson? Up { get; set; }
    public ProfileJson? Down { get; set; }
}

internal sealed class ProfileJson
{
    public JsonElement Rate { get; set; }
    public int? QueueBytes { get; set; }
    public double? QueueMs { get; set; }
    public double? DelayMs { get; set; }
    public double? JitterMs { get; set; }
    public JsonElement Loss { get; set; }
    public JsonElement Ge { get; set; }
}

internal sealed class EventJson
{
    public double? At { get; set; }
    public string? Link { get; set; }
    public ProfileJson? Up { get; set; }
    public ProfileJson? Down { get; set; }
    public double? Blackout { get; set; }
}

// Unknown properties are errors: a misspelt "dealy_ms" silently ignored would make a benchmark lie.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ScenarioJson))]
internal sealed partial class ScenarioJsonContext : JsonSerializerContext;
