using System.Globalization;
using System.Text.Json;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator;

/// <summary>
/// Turns System.Text.Json's exceptions (syntax errors, wrong value types, unknown fields) into the same
/// one-line form as the rest of <see cref="Scenario"/>: "file: $.path (line N): the bad value and what was
/// expected". The serializer's own text names CLR types (System.Nullable`1[System.Double]); a user needs the
/// value they wrote, which is fetched from the document by the exception's path.
/// </summary>
internal static class ScenarioJsonErrors
{
    static readonly JsonDocumentOptions s_documentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static RistbondException Describe(JsonException e, string json, string source)
    {
        string path = e.Path ?? "$";
        string line = e.LineNumber is long n ? string.Create(CultureInfo.InvariantCulture, $" (line {n + 1})") : "";
        string problem;
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            // "The JSON property 'dealy_ms' could not be mapped to any .NET member contained in type ..."
            string name = Between(e.Message, '\'') ?? "?";
            path = path.EndsWith("." + name, StringComparison.Ordinal) ? path[..^(name.Length + 1)] : path;
            problem = $"unknown field \"{name}\"";
        }
        else if (TryFindValue(json, path) is string raw)
        {
            problem = $"{Shorten(raw)} is not {Expected(path)}";
        }
        else
        {
            // A syntax error: keep the parser's sentence, drop its own position suffix.
            problem = e.Message;
            int cut = problem.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut < 0)
                cut = problem.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
                problem = problem[..cut].TrimEnd('.', ' ');
        }
        return new RistbondException($"{source}: {path}{line}: {problem}", ExitCodes.BadInput, e);
    }

    /// <summary>What a field holds, by its name, for "X is not Y" messages.</summary>
    static string Expected(string path)
    {
        string field = path[(path.LastIndexOf('.') + 1)..];
        if (field.Contains('[', StringComparison.Ordinal))
            return "an object";
        return field switch
        {
            "seed" => "a seed; expected an integer ≥ 0",
            "links" or "events" => "a list; expected an array",
            "up" or "down" => "a profile; expected an object",
            "name" or "listen" or "target" or "link" => "valid here; expected a string",
            "queue_bytes" => "a byte count; expected an integer",
            "delay_ms" or "jitter_ms" or "queue_ms" => "a time; expected a number of milliseconds",
            "at" or "blackout" => "a time; expected a number of seconds",
            _ => "valid here",
        };
    }

    /// <summary>The raw JSON text at a serializer path like $.links[0].up.delay_ms, or null.</summary>
    static string? TryFindValue(string json, string path)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, s_documentOptions);
            JsonElement element = document.RootElement;
            ReadOnlySpan<char> rest = path.AsSpan();
            if (!rest.StartsWith("$"))
                return null;
            rest = rest[1..];
            while (!rest.IsEmpty)
            {
                if (rest[0] == '.')
                {
                    int end = rest[1..].IndexOfAny('.', '[');
                    string name = (end < 0 ? rest[1..] : rest[1..(end + 1)]).ToString();
                    if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                        return null;
                    rest = end < 0 ? default : rest[(end + 1)..];
                }
                else if (rest[0] == '[')
                {
                    int close = rest.IndexOf(']');
                    if (close < 0 || element.ValueKind != JsonValueKind.Array
                        || !int.TryParse(rest[1..close], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                        || index >= element.GetArrayLength())
                        return null;
                    element = element[index];
                    rest = rest[(close + 1)..];
                }
                else
                {
                    return null;
                }
            }
            return element.GetRawText();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One line, at most 60 characters: a misplaced object must not spill the file into the message.</summary>
    static string Shorten(string raw)
    {
        string oneLine = string.Join(' ', raw.Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= 60 ? oneLine : oneLine[..57] + "...";
    }

    static string? Between(string text, char quote)
    {
        int start = text.IndexOf(quote);
        int end = start < 0 ? -1 : text.IndexOf(quote, start + 1);
        return end < 0 ? null : text[(start + 1)..end];
    }
}
