using System.Text.Json;

namespace Ristbond.Web;

/// <summary>
/// The latest stats report as the appliance serialized it, parsed once when it is published and shared read-only
/// by every request until the next one. The endpoints cut their parts out of it, so a field added to the report
/// reaches the API without a change here.
/// </summary>
public sealed class StatusSnapshot
{
    StatusSnapshot(byte[] json, JsonElement root)
    {
        Json = json;
        Root = root;
    }

    /// <summary>The report, UTF-8 JSON, one object.</summary>
    public byte[] Json { get; }
    public JsonElement Root { get; }

    public static StatusSnapshot Parse(byte[] json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new ArgumentException("a stats report is one JSON object", nameof(json));
        return new StatusSnapshot(json, document.RootElement.Clone());
    }

    public double T => Number("t") ?? 0;

    /// <summary>A top-level number of the report, null when absent.</summary>
    public double? Number(string name) =>
        Root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    /// <summary>The names of the links in the report, in its order.</summary>
    public IEnumerable<string> LinkNames()
    {
        if (!Root.TryGetProperty("links", out JsonElement links) || links.ValueKind != JsonValueKind.Array)
            yield break;
        foreach (JsonElement link in links.EnumerateArray())
        {
            if (link.TryGetProperty("name", out JsonElement name) && name.GetString() is string text)
                yield return text;
        }
    }
}
