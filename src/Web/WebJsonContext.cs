using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ristbond.Web;

/// <summary>POST /api/bitrate: either end may be left out to keep it.</summary>
public sealed record BitrateLimitsRequest
{
    public long? MinBitrateBps { get; init; }
    public long? MaxBitrateBps { get; init; }
}

/// <summary>Every error the API returns: <c>{"error":"…"}</c>, one line naming the culprit.</summary>
public sealed record ErrorResponse(string Error);

/// <summary>The answer to a control request: what the sender does now.</summary>
public sealed record ControlResponse
{
    public bool? Streaming { get; init; }
    public long? MinBitrateBps { get; init; }
    public long? MaxBitrateBps { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(BitrateLimitsRequest))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ControlResponse))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class WebJsonContext : JsonSerializerContext;
