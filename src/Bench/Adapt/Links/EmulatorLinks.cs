using System.Net;
using Ristbond.LinkEmulator;

namespace Ristbond.Bench.Adapt.Links;

/// <summary>The scenario over tools/LinkEmulator on loopback: each link a relay with its own port, toward a receiver on loopback.</summary>
public sealed class EmulatorLinks : IAdaptLinks
{
    readonly ScenarioRunner _runner;

    public EmulatorLinks(AdaptScenario scenario, int receiverPort)
    {
        var receiver = new IPEndPoint(IPAddress.Loopback, receiverPort);
        _runner = new ScenarioRunner(scenario.ToScenarioFile(receiver));
        Names = [.. _runner.Links.Select(l => l.Name)];
        // Loopback links are told apart by port: replies to 127.x other than 127.0.0.1 come from 127.0.0.1 (FACTS).
        SenderTargets = [.. _runner.Links.Select(l => new IPEndPoint(IPAddress.Loopback, l.ListenEndPoint.Port))];
        Receiver = new ReceiverPlacement(null, [receiver], IPAddress.Loopback);
    }

    public LinkBackEnd BackEnd => LinkBackEnd.Emulator;
    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<IPEndPoint> SenderTargets { get; }
    public ReceiverPlacement Receiver { get; }
    public long StartedAtNanos => _runner.StartedAtNanos;
    public Exception? Fault => _runner.Fault;
    public string? Limitations => null;

    public void Start() => _runner.Start();

    public void ReadUpCounters(Span<LinkCounters> into)
    {
        for (int i = 0; i < into.Length; i++)
            into[i] = _runner.Links[i].UpCounters;
    }

    public void Dispose() => _runner.Dispose();
}
