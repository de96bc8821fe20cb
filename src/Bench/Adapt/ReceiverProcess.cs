using System.Globalization;
using System.Text.Json;
using Ristbond.Bench.Adapt.Links;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// librist's ristreceiver on loopback forwarding the flow to a UDP port, with its cumulative flow stats parsed
/// from stderr: what it reports <c>lost</c> is what a studio would have lost.
/// </summary>
/// <remarks>
/// ristreceiver 0.2.7 sometimes adds tens of thousands to <c>lost</c> in one report when a flow stops with
/// losses at its tail ("Lost 64267 packets" with nothing received, from 2–3 k datagrams sent in all): a 16-bit
/// sequence wrap in its accounting. A jump of more than <see cref="ImplausibleLostJump"/> in one report cannot be
/// real at these bitrates (that many datagrams take over 20 s at 20 Mbit/s); it is left out of
/// <see cref="Lost"/> and counted in <see cref="LostDiscarded"/>.
/// </remarks>
public sealed class ReceiverProcess : IDisposable
{
    public const long ImplausibleLostJump = 32768;

    readonly ChildProcess _process;
    readonly Lock _lock = new();
    readonly Dictionary<long, Flow> _flows = [];

    sealed class Flow
    {
        public long Received, Recovered, ReportedLost, Lost, Discarded;
    }

    /// <param name="placement">Where it runs (a network namespace, or the bench's own) and the addresses it listens on, one URL each.</param>
    /// <param name="outputPort">The capture's port at <see cref="ReceiverPlacement.CaptureAddress"/>.</param>
    public ReceiverProcess(string side, ReceiverPlacement placement, int outputPort, int bufferMs, int reorderBufferMs, int rttMinMs)
    {
        ListenPort = placement.Listen[0].Port;
        string url = string.Join(',', placement.Listen.Select(l =>
            string.Create(CultureInfo.InvariantCulture, $"rist://@{l}?buffer={bufferMs}&reorder-buffer={reorderBufferMs}&rtt-min={rttMinMs}")));
        string[] arguments = ["-p", "1", "-i", url, "-o", $"udp://{placement.CaptureAddress}:{outputPort}", "-S", "500", "-v", "6"];
        (string program, string[] args) = (LibristTools.PathOf("ristreceiver"), arguments);
        if (placement.Namespace is string ns)
            (program, args) = ("ip", ["netns", "exec", ns, program, .. args]);
        _process = new ChildProcess($"ristreceiver ({side})", program, args, Parse, Parse);
    }

    public int ListenPort { get; }
    public ChildProcess Process => _process;

    /// <summary>Packets the receiver gave up on, summed over its flows' cumulative reports (implausible jumps left out).</summary>
    public long Lost => Sum(f => f.Lost);
    /// <summary>What the receiver reported lost in implausible jumps.</summary>
    public long LostDiscarded => Sum(f => f.Discarded);
    public long Recovered => Sum(f => f.Recovered);
    public long Received => Sum(f => f.Received);

    long Sum(Func<Flow, long> field)
    {
        lock (_lock)
            return _flows.Values.Sum(field);
    }

    void Parse(string line)
    {
        int brace = line.IndexOf('{', StringComparison.Ordinal);
        if (brace < 0 || !line.Contains("flow_cumulative_stats", StringComparison.Ordinal))
            return;
        try
        {
            using var json = JsonDocument.Parse(line.AsMemory(brace));
            JsonElement flow = json.RootElement.GetProperty("flow_cumulative_stats");
            long id = flow.TryGetProperty("flow_id", out JsonElement idElement) ? idElement.GetInt64() : 0;
            long received = flow.GetProperty("received").GetInt64(), recovered = flow.GetProperty("recovered").GetInt64(), lost = flow.GetProperty("lost").GetInt64();
            lock (_lock)
            {
                if (!_flows.TryGetValue(id, out Flow? f))
                    _flows[id] = f = new Flow();
                long jump = Math.Max(0, lost - f.ReportedLost);
                if (jump > ImplausibleLostJump)
                    f.Discarded += jump;
                else
                    f.Lost += jump;
                (f.Received, f.Recovered, f.ReportedLost) = (received, recovered, lost);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
        }
    }

    public void Dispose() => _process.Dispose();
}
