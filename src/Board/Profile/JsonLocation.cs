using System.Text;
using System.Text.Json;

namespace Ristbond.Board.Profile;

/// <summary>
/// The line a JSON path (as <see cref="JsonException.Path"/> gives it) starts on. Needed because the serializer reads
/// a whole document ahead before it converts, so the line number it reports is where the document ends.
/// </summary>
internal static class JsonLocation
{
    /// <summary>1-based line of the property or element at <paramref name="path"/> ("$.slots[0].modem.usb_prot"), or null.</summary>
    public static int? LineOf(ReadOnlySpan<byte> json, string path)
    {
        var options = new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        var reader = new Utf8JsonReader(json, options);
        // Per open container: its path and, for an array, the index of the next element.
        var stack = new Stack<(string Path, bool Array, int Next)>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                string? here = null;
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = $"{stack.Peek().Path}.{reader.GetString()}";
                    here = property;
                }
                else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    stack.Pop();
                    continue;
                }
                else
                {
                    string valuePath = "$";
                    if (stack.Count > 0 && stack.Peek().Array)
                    {
                        (string parent, bool array, int next) = stack.Pop();
                        valuePath = $"{parent}[{next}]";
                        stack.Push((parent, array, next + 1));
                        here = valuePath;
                    }
                    else if (property is not null)
                    {
                        valuePath = property;
                    }
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        stack.Push((valuePath, reader.TokenType == JsonTokenType.StartArray, 0));
                    property = null;
                }
                if (here == path)
                    return 1 + json[..(int)reader.TokenStartIndex].Count((byte)'\n');
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the serializer's own position is all there is.
        }
        return null;
    }
}
