using System.Net;
using Ristbond.LinkEmulator;

namespace Ristbond.Bench.Adapt.Links;

/// <summary>Which links a scenario runs over (<c>bench adapt --links</c>).</summary>
public enum LinkBackEnd
{
    /// <summary>tools/LinkEmulator in this process: rate, queue, delay, loss, blackout, on loopback; no privileges needed.</summary>
    Emulator,
    /// <summary>The kernel: one veth pair per link into the receiver's network namespace, tbf for rate, nftables for loss.</summary>
    Kernel,
}

/// <summary>
/// Where one side's receiver runs and listens, and where it hands the flow back to the bench's capture: on
/// loopback for the emulator, in a network namespace of its own behind the links for the kernel.
/// </summary>
/// <param name="Namespace">The network namespace the receiver runs in; null for the bench's own.</param>
/// <param name="Listen">The addresses the receiver listens on (one per link when each link has its own).</param>
/// <param name="CaptureAddress">The address the capture binds and the receiver's output goes to.</param>
public sealed record ReceiverPlacement(string? Namespace, IReadOnlyList<IPEndPoint> Listen, IPAddress CaptureAddress);

/// <summary>
/// One side's links for one scenario run: what the sender calls for each link, where the receiver sits, the
/// scenario's events applied at their times after <see cref="Start"/>, and each link's up counters (what the sender
/// offered it, what it forwarded, what it dropped), read every 100 ms by the side's sampler.
/// </summary>
public interface IAdaptLinks : IDisposable
{
    LinkBackEnd BackEnd { get; }

    /// <summary>The scenario's link names, in order.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Where a sender sends each link's packets (same order as <see cref="Names"/>).</summary>
    IReadOnlyList<IPEndPoint> SenderTargets { get; }

    ReceiverPlacement Receiver { get; }

    /// <summary>Starts the event clock: scenario time 0 is <see cref="StartedAtNanos"/>.</summary>
    void Start();

    long StartedAtNanos { get; }

    /// <summary>Each link's up-direction counters, cumulative since the links were made.</summary>
    void ReadUpCounters(Span<LinkCounters> into);

    /// <summary>The first failure of the links' machinery (an event that could not be applied, a dead helper process); null while faithful.</summary>
    Exception? Fault { get; }

    /// <summary>What the links could not do that the scenario asks (e.g. no delay on the kernel links), for the report; null if nothing.</summary>
    string? Limitations { get; }
}
