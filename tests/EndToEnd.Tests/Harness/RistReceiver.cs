using System.Text.Json;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>
/// librist's own ristreceiver (of ristbond's librist build: <see cref="LibristTools"/>), listening on loopback and forwarding the flow to a UDP port, with its JSON stats
/// parsed: what it reports lost is what a studio would have lost.
/// </summary>
public sealed class RistReceiver : IDisposable
{
    readonly ChildProcess _process;
    long _lost;
    long _recovered;
    long _received;
    long _flows;

    /// <param name="listenAddress">The address it listens on: the one the sender calls (librist drops answers from another).</param>
    /// <param name="launcher">A command it runs under, e.g. <c>ip netns exec NS</c> (<see cref="VethModems"/>); none by default.</param>
    public RistReceiver(int listenPort, int outputPort, string parameters = "", int bufferMs = 1000, string listenAddress = "127.0.0.1", IReadOnlyList<string>? launcher = null)
    {
        ListenPort = listenPort;
        string query = $"?buffer={bufferMs}" + (parameters.Length > 0 ? "&" + parameters : "");
        string[] arguments = ["-p", "1", "-i", $"rist://@{listenAddress}:{listenPort}{query}", "-o", $"udp://127.0.0.1:{outputPort}", "-S", "500", "-v", "6"];
        string tool = LibristTools.PathOf("ristreceiver");
        _process = launcher is { Count: > 0 }
            ? new ChildProcess(launcher[0], [.. launcher.Skip(1), tool, .. arguments])
            : new ChildProcess(tool, arguments);
        _process.StdoutLine += Parse;
        _process.StderrLine += Parse;
    }

    public int ListenPort { get; }
    /// <summary>Packets the receiver gave up on (its "lost"), summed over its cumulative flow reports.</summary>
    public long Lost => Interlocked.Read(ref _lost);
    public long Recovered => Interlocked.Read(ref _recovered);
    public long Received => Interlocked.Read(ref _received);
    public bool HasExited => _process.HasExited;
    public string Transcript() => _process.Transcript();

    void Parse(string line)
    {
        int brace = line.IndexOf('{');
        if (brace < 0 || !line.Contains("flow_cumulative_stats", StringComparison.Ordinal))
            return;
        try
        {
            using var json = JsonDocument.Parse(line[brace..]);
            JsonElement flow = json.RootElement.GetProperty("flow_cumulative_stats");
            Interlocked.Exchange(ref _lost, flow.GetProperty("lost").GetInt64());
            Interlocked.Exchange(ref _recovered, flow.GetProperty("recovered").GetInt64());
            Interlocked.Exchange(ref _received, flow.GetProperty("received").GetInt64());
            Interlocked.Increment(ref _flows);
        }
        catch (JsonException)
        {
        }
    }

    public void Dispose() => _process.Dispose();
}
