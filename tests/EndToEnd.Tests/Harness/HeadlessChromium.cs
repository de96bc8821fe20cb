using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol on its own websocket (no driver, no npm): a
/// page target sized like a phone, navigate, evaluate JavaScript, wait for a condition. Missing chromium is a
/// failure that says how to get it, never a skipped test.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(15);

    readonly ChildProcess _process;
    readonly string _profile = Directory.CreateTempSubdirectory("ristbond-chromium-").FullName;
    readonly ClientWebSocket _socket = new();
    readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    readonly ConcurrentQueue<string> _console = new();
    readonly CancellationTokenSource _closing = new();
    readonly Task _receiver;
    int _nextId;

    public HeadlessChromium(int width = 360, int height = 740)
    {
        string binary = Executable();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new ChildProcess(binary,
        [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0", $"--user-data-dir={_profile}", $"--window-size={width},{height}", "about:blank",
        ]);
        _process.StderrLine += line =>
        {
            const string Marker = "DevTools listening on ";
            int at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
                listening.TrySetResult(line[(at + Marker.Length)..].Trim());
        };
        if (!listening.Task.Wait(TimeSpan.FromSeconds(30)))
            throw new InvalidOperationException($"chromium did not open its DevTools port within 30 s:\n{_process.Transcript()}");
        var browser = new Uri(listening.Task.Result);
        using var http = new HttpClient();
        string targets = http.GetStringAsync($"http://{browser.Authority}/json/list").GetAwaiter().GetResult();
        string page = JsonDocument.Parse(targets).RootElement.EnumerateArray()
            .First(t => t.GetProperty("type").GetString() == "page").GetProperty("webSocketDebuggerUrl").GetString()!;
        _socket.ConnectAsync(new Uri(page), CancellationToken.None).GetAwaiter().GetResult();
        _receiver = Task.Run(Receive);
        Send("Runtime.enable");
        Send("Log.enable");
        Send("Page.enable");
        Send("Emulation.setDeviceMetricsOverride", $"{{\"width\":{width},\"height\":{height},\"deviceScaleFactor\":2,\"mobile\":true}}");
    }

    /// <summary>What the page logged: console calls, uncaught exceptions, and the browser's own complaints (CSP, 404s).</summary>
    public IReadOnlyList<string> Console => [.. _console];

    static string Executable()
    {
        string? set = Environment.GetEnvironmentVariable("CHROMIUM");
        if (set is { Length: > 0 } && File.Exists(set))
            return set;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            foreach (string name in new[] { "chromium", "chromium-browser" })
            {
                string path = Path.Combine(dir, name);
                if (File.Exists(path))
                    return path;
            }
        }
        throw new FileNotFoundException("chromium is not installed: the web page tests need Debian's chromium package (./build.sh setup installs it; or set CHROMIUM to its path)");
    }

    public void Navigate(string url)
    {
        Send("Page.navigate", $"{{\"url\":{JsonSerializer.Serialize(url)}}}");
        WaitFor("document.readyState === 'complete' && location.href !== 'about:blank'", TimeSpan.FromSeconds(15), "the page to load");
    }

    /// <summary>Evaluates a JavaScript expression in the page (promises awaited) and returns its value.</summary>
    public JsonElement Evaluate(string expression)
    {
        JsonElement reply = Send("Runtime.evaluate", $"{{\"expression\":{JsonSerializer.Serialize(expression)},\"returnByValue\":true,\"awaitPromise\":true}}");
        if (reply.TryGetProperty("exceptionDetails", out JsonElement error))
            throw new InvalidOperationException($"JavaScript failed: {expression}\n{error}");
        JsonElement result = reply.GetProperty("result");
        return result.TryGetProperty("value", out JsonElement value) ? value.Clone() : default;
    }

    /// <summary>Polls <paramref name="expression"/> until it is true; fails naming <paramref name="what"/> and what the page logged.</summary>
    public void WaitFor(string expression, TimeSpan timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            JsonElement value = Evaluate(expression);
            if (value.ValueKind == JsonValueKind.True)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what} ({expression}); the page logged:\n{string.Join('\n', Console)}");
            Thread.Sleep(100);
        }
    }

    JsonElement Send(string method, string parameters = "{}")
    {
        int id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        byte[] message = Encoding.UTF8.GetBytes($"{{\"id\":{id},\"method\":\"{method}\",\"params\":{parameters}}}");
        lock (_socket)
            _socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None).GetAwaiter().GetResult();
        if (!reply.Task.Wait(s_commandTimeout))
            throw new TimeoutException($"chromium did not answer {method} within {s_commandTimeout.TotalSeconds:0} s");
        return reply.Task.Result;
    }

    async Task Receive()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                WebSocketReceiveResult part = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (part.MessageType == WebSocketMessageType.Close)
                    return;
                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage)
                    continue;
                Dispatch(JsonDocument.Parse(message.ToArray()).RootElement);
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    void Dispatch(JsonElement message)
    {
        if (message.TryGetProperty("id", out JsonElement id) && _pending.TryRemove(id.GetInt32(), out var reply))
        {
            if (message.TryGetProperty("error", out JsonElement error))
                reply.TrySetException(new InvalidOperationException($"DevTools error: {error}"));
            else
                reply.TrySetResult(message.GetProperty("result").Clone());
            return;
        }
        string method = message.TryGetProperty("method", out JsonElement m) ? m.GetString() ?? "" : "";
        JsonElement parameters = message.TryGetProperty("params", out JsonElement p) ? p : default;
        switch (method)
        {
            case "Runtime.consoleAPICalled":
                _console.Enqueue("console: " + string.Join(' ', parameters.GetProperty("args").EnumerateArray()
                    .Select(a => a.TryGetProperty("value", out JsonElement v) ? v.ToString() : a.GetProperty("type").GetString())));
                break;
            case "Runtime.exceptionThrown":
                _console.Enqueue("exception: " + parameters.GetProperty("exceptionDetails"));
                break;
            case "Log.entryAdded":
                JsonElement entry = parameters.GetProperty("entry");
                _console.Enqueue($"{entry.GetProperty("level").GetString()}: {entry.GetProperty("text").GetString()}");
                break;
        }
    }

    public void Dispose()
    {
        _closing.Cancel();
        _socket.Dispose();
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
