using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Ristbond.Web;

/// <summary>
/// The Server-Sent-Events feed (<c>/api/events</c>). Each published report becomes one block of SSE frames, built
/// once and handed to every client as the same bytes:
/// <code>
/// event: stats               data: the whole stats report (once a second)
/// event: congestion-control  data: the report's event object (also bandwidth-available, and any future type)
/// event: link-added          data: {"name":"lte0","t":12.0}   (also link-removed)
/// </code>
/// A client that cannot keep up loses its oldest blocks, never the server's memory.
/// </summary>
public sealed class EventStream
{
    /// <summary>More clients than a handful of phones and a monitoring script is a mistake or an attack.</summary>
    public const int MaxClients = 16;
    const int BlocksQueuedPerClient = 8;

    readonly ConcurrentDictionary<Channel<byte[]>, byte> _clients = new();

    public int ClientCount => _clients.Count;

    /// <summary>Registers a client; null when there are <see cref="MaxClients"/> already.</summary>
    public Channel<byte[]>? Subscribe()
    {
        if (_clients.Count >= MaxClients)
            return null;
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(BlocksQueuedPerClient)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        _clients.TryAdd(channel, 0);
        return channel;
    }

    public void Unsubscribe(Channel<byte[]> client) => _clients.TryRemove(client, out _);

    public void Publish(StatusSnapshot current, StatusSnapshot? previous)
    {
        if (_clients.IsEmpty)
            return;
        byte[] block = Frames(current, previous);
        foreach (Channel<byte[]> client in _clients.Keys)
            client.Writer.TryWrite(block);
    }

    /// <summary>Ends every client's stream (the server is stopping).</summary>
    public void Complete()
    {
        foreach (Channel<byte[]> client in _clients.Keys)
            client.Writer.TryComplete();
    }

    /// <summary>The SSE frames for one report: the report, its events, and the links that came or went since <paramref name="previous"/>.</summary>
    public static byte[] Frames(StatusSnapshot current, StatusSnapshot? previous)
    {
        var buffer = new ArrayBufferWriter<byte>(current.Json.Length + 256);
        Frame(buffer, "stats", current.Json);
        if (current.Root.TryGetProperty("events", out JsonElement events) && events.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement e in events.EnumerateArray())
            {
                if (e.TryGetProperty("type", out JsonElement type) && type.GetString() is string name && IsEventName(name))
                    Frame(buffer, name, JsonSerializer.SerializeToUtf8Bytes(e, WebJsonContext.Default.JsonElement));
            }
        }
        if (previous is not null)
        {
            HashSet<string> before = [.. previous.LinkNames()];
            HashSet<string> now = [.. current.LinkNames()];
            foreach (string name in now.Where(n => !before.Contains(n)))
                Frame(buffer, "link-added", LinkEvent(name, current.T));
            foreach (string name in before.Where(n => !now.Contains(n)))
                Frame(buffer, "link-removed", LinkEvent(name, current.T));
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An SSE comment line: keeps proxies and the browser from timing a quiet stream out.</summary>
    public static readonly byte[] Hello = ": ristbond status events\nretry: 2000\n\n"u8.ToArray();

    static void Frame(ArrayBufferWriter<byte> buffer, string name, ReadOnlySpan<byte> json)
    {
        // Compact JSON has no line breaks, so one data: line carries it whole.
        buffer.Write("event: "u8);
        buffer.Write(Encoding.UTF8.GetBytes(name));
        buffer.Write("\ndata: "u8);
        buffer.Write(json);
        buffer.Write("\n\n"u8);
    }

    static byte[] LinkEvent(string name, double t)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteNumber("t", t);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An event type goes into an SSE "event:" line: lower-case letters and dashes only.</summary>
    static bool IsEventName(string name) => name.Length is > 0 and < 64 && name.All(c => c is (>= 'a' and <= 'z') or '-');
}
