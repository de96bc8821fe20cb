using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Ristbond.Appliance.Config;

/// <summary>
/// Reads a configuration file into a <see cref="ServiceConfig"/>, reporting every structural mistake at once: JSON
/// syntax (line and column), unknown keys (typos; with the nearest known key), keys given twice, values of the wrong
/// type. The schema is the source-generated metadata of <see cref="ServiceConfig"/> itself, so the check cannot
/// drift from what is deserialized. Comments and trailing commas are allowed (the file is edited by hand).
/// What is wrong is left out of a clean copy that the source-generated deserializer then reads, so the values that
/// are right can still be checked further by <see cref="ConfigRules"/>.
/// </summary>
public static class ConfigReader
{
    static readonly JsonReaderOptions s_readerOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 16 };

    /// <summary>The configuration (null if the JSON itself is broken) and every problem found so far.</summary>
    public static ServiceConfig? Read(ReadOnlySpan<byte> json, ConfigProblems problems)
    {
        var clean = new ArrayBufferWriter<byte>(json.Length + 16);
        var walker = new Walker(json, problems, clean);
        if (!walker.Walk(json))
            return null;
        try
        {
            return JsonSerializer.Deserialize(clean.WrittenSpan, ServiceConfigJsonContext.Default.ServiceConfig) ?? new ServiceConfig();
        }
        catch (JsonException e)
        {
            // The walker passed only what the metadata accepts; this is a gap in the walker, reported, not thrown.
            problems.Add("$", $"cannot be read: {e.Message}");
            return null;
        }
    }

    sealed class Walker
    {
        readonly ConfigProblems _problems;
        readonly Utf8JsonWriter _clean;
        readonly int[] _lineStarts;

        public Walker(ReadOnlySpan<byte> json, ConfigProblems problems, IBufferWriter<byte> clean)
        {
            _problems = problems;
            _clean = new Utf8JsonWriter(clean);
            var starts = new List<int> { 0 };
            for (int i = 0; i < json.Length; i++)
            {
                if (json[i] == (byte)'\n')
                    starts.Add(i + 1);
            }
            _lineStarts = [.. starts];
        }

        /// <summary>False when the JSON is malformed (reported with its line and column).</summary>
        public bool Walk(ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json, s_readerOptions);
            try
            {
                if (!reader.Read())
                {
                    _problems.Add("$", 1, 0, "$: the file is empty (expected a JSON object)");
                    return false;
                }
                JsonTypeInfo root = ServiceConfigJsonContext.Default.ServiceConfig;
                if (Mismatch(ref reader, root) is string why)
                {
                    _problems.Add("$", LineOf(reader.TokenStartIndex), 0, $"$: {why}");
                    return false;
                }
                Value(ref reader, root, "$");
                while (reader.Read())
                {
                    // Utf8JsonReader throws on content after the top-level value; nothing else can get here.
                }
            }
            catch (JsonException e)
            {
                _problems.Add("$", (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, $"invalid JSON: {WithoutPosition(e.Message)}");
                return false;
            }
            _clean.Flush();
            return true;
        }

        /// <summary>Copies a value the caller has checked with <see cref="Mismatch"/> (reader on its first token).</summary>
        void Value(ref Utf8JsonReader reader, JsonTypeInfo type, string path)
        {
            _problems.Mark(path, LineOf(reader.TokenStartIndex));
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    _clean.WriteNullValue();
                    break;
                case JsonTokenType.StartObject:
                    Object(ref reader, type, path);
                    break;
                case JsonTokenType.StartArray:
                    Array(ref reader, type, path);
                    break;
                case JsonTokenType.String:
                    _clean.WriteStringValue(reader.GetString());
                    break;
                case JsonTokenType.True or JsonTokenType.False:
                    _clean.WriteBooleanValue(reader.GetBoolean());
                    break;
                default:
                    _clean.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
            }
        }

        void Object(ref Utf8JsonReader reader, JsonTypeInfo type, string path)
        {
            _clean.WriteStartObject();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                string keyPath = $"{path}.{name}";
                int line = LineOf(reader.TokenStartIndex);
                reader.Read();
                _problems.Mark(keyPath, line);
                JsonPropertyInfo? property = type.Properties.FirstOrDefault(p => p.Name == name);
                string? why = !seen.Add(name) ? $"'{name}' is given twice"
                    : property is null ? UnknownKey(name, type)
                    : Mismatch(ref reader, Info(property));
                if (why is not null)
                {
                    _problems.Add(keyPath, line, 0, $"{keyPath}: {why}");
                    reader.Skip();
                    continue;
                }
                _clean.WritePropertyName(name);
                Value(ref reader, Info(property!), keyPath);
            }
            _clean.WriteEndObject();
        }

        void Array(ref Utf8JsonReader reader, JsonTypeInfo type, string path)
        {
            JsonTypeInfo element = ServiceConfigJsonContext.Default.Options.GetTypeInfo(type.ElementType!);
            _clean.WriteStartArray();
            for (int index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
            {
                string itemPath = $"{path}[{index}]";
                if (Mismatch(ref reader, element) is string why)
                {
                    _problems.Add(itemPath, LineOf(reader.TokenStartIndex), 0, $"{itemPath}: {why}");
                    reader.Skip();
                    _clean.WriteNullValue(); // keeps the indexes of the items after it
                    continue;
                }
                Value(ref reader, element, itemPath);
            }
            _clean.WriteEndArray();
        }

        static JsonTypeInfo Info(JsonPropertyInfo property) => ServiceConfigJsonContext.Default.Options.GetTypeInfo(property.PropertyType);

        /// <summary>Why the value at the reader cannot be a <paramref name="type"/>; null if it can.</summary>
        static string? Mismatch(ref Utf8JsonReader reader, JsonTypeInfo type)
        {
            if (reader.TokenType == JsonTokenType.Null)
                return null; // every key is optional; ConfigRules says which are required
            Type t = Nullable.GetUnderlyingType(type.Type) ?? type.Type;
            bool fits = type.Kind switch
            {
                JsonTypeInfoKind.Object => reader.TokenType == JsonTokenType.StartObject,
                JsonTypeInfoKind.Enumerable => reader.TokenType == JsonTokenType.StartArray,
                _ when t == typeof(string) => reader.TokenType == JsonTokenType.String,
                _ when t == typeof(bool) => reader.TokenType is JsonTokenType.True or JsonTokenType.False,
                _ when t == typeof(int) => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out _),
                _ when t == typeof(uint) => reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out _),
                _ => false,
            };
            if (fits)
                return null;
            string hint = t == typeof(string) && reader.TokenType == JsonTokenType.Number
                ? $" (in quotes: \"{System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}\")" : "";
            return $"expected {Describe(type, t)}, got {Describe(ref reader)}{hint}";
        }

        static string Describe(JsonTypeInfo type, Type t) => type.Kind switch
        {
            JsonTypeInfoKind.Object => "an object",
            JsonTypeInfoKind.Enumerable => "an array",
            _ when t == typeof(string) => "a string",
            _ when t == typeof(bool) => "true or false",
            _ when t == typeof(uint) => "a whole number from 0 to 4294967295",
            _ when t == typeof(int) => "a whole number",
            _ => t.Name,
        };

        static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => $"the string '{Shorten(reader.GetString()!)}'",
            JsonTokenType.Number => $"the number {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}",
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            _ => reader.TokenType.ToString(),
        };

        static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

        /// <summary>"unknown key 'secert_file' (did you mean 'secret_file'?)", or the keys the object takes.</summary>
        static string UnknownKey(string name, JsonTypeInfo type)
        {
            string[] known = [.. type.Properties.Select(p => p.Name)];
            string? nearest = known.Select(k => (Key: k, Distance: EditDistance(name, k))).Where(k => k.Distance <= Math.Max(1, name.Length / 3) && k.Distance < name.Length)
                .OrderBy(k => k.Distance).Select(k => k.Key).FirstOrDefault();
            return nearest is not null
                ? $"unknown key '{name}' (did you mean '{nearest}'?)"
                : $"unknown key '{name}' (known here: {string.Join(", ", known)})";
        }

        static int EditDistance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++)
                previous[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (int j = 1; j <= b.Length; j++)
                    current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                (previous, current) = (current, previous);
            }
            return previous[b.Length];
        }

        int LineOf(long offset)
        {
            int index = System.Array.BinarySearch(_lineStarts, (int)offset);
            return (index >= 0 ? index : ~index - 1) + 1;
        }

        /// <summary>Utf8JsonReader appends " LineNumber: n | BytePositionInLine: m." to its messages; the line is said once, in front.</summary>
        static string WithoutPosition(string message)
        {
            int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return (cut < 0 ? message : message[..cut]).TrimEnd().TrimEnd('.').ToString(CultureInfo.InvariantCulture);
        }
    }
}
