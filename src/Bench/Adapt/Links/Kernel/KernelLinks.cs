using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Ristbond.LinkEmulator;
using Ristbond.Platform;
using Units = Ristbond.Platform.Units;

namespace Ristbond.Bench.Adapt.Links.Kernel;

/// <summary>
/// The scenario over links the kernel shapes. ristbond and ristsender stay in the bench's network namespace; the
/// side's receiver runs in a namespace of its own, reached through one veth pair per link, each a /30 of its own,
/// so the routing table sends each link's packets through its own veth (checked at set-up with a datagram per
/// link against the veths' counters). Rate by tbf on the sender's end, loss and blackouts by nft at the receiver's
/// end (<see cref="ShaperCommands"/>), changed at the scenario's times through long-running <c>tc -batch</c> and
/// <c>nft -i</c>. The receiver hands the flow back to the capture through one more veth that nothing shapes.
/// There is no delay: the host kernel has no netem, so the base RTT is well under a millisecond.
/// </summary>
public sealed class KernelLinks : IAdaptLinks
{
    const long StopCheckNanos = 50_000_000;

    readonly KernelNames _names;
    readonly AdaptScenario _scenario;
    readonly ILogger _log;
    readonly KernelLinkState[] _state;
    readonly List<LineShell> _shells = [];
    LineShell? _tc, _stats, _nft;
    Thread? _events;
    volatile bool _stopping;
    long _startNanos;
    Exception? _fault;
    readonly Lock _disposeLock = new();

    /// <param name="side">0 for ristbond's side, 1 for the baseline's: each gets its own namespace and addresses.</param>
    public KernelLinks(AdaptScenario scenario, int side, int receiverPort, ILogger log)
    {
        if (!Environment.IsPrivilegedProcess)
            throw new RistbondException("bench adapt --links kernel: needs root (network namespaces, veth, tc and nft)", ExitCodes.RuntimeFailure);
        if (scenario.Links.Count >= KernelNames.SlotsPerSide)
            throw new RistbondException($"bench adapt --links kernel: {scenario.Name} has {scenario.Links.Count} links; at most {KernelNames.SlotsPerSide - 1}", ExitCodes.BadInput);
        _scenario = scenario;
        _log = log;
        _names = new KernelNames(Environment.ProcessId, side);
        _state = [.. scenario.Links.Select((l, i) => new KernelLinkState(l.Name, _names.RootDevice(i), _names.PeerDevice(i), scenario.RateAt(l.Name, 0), 0, 0, false))];
        Names = [.. scenario.Links.Select(l => l.Name)];
        SenderTargets = [.. scenario.Links.Select((_, i) => new IPEndPoint(_names.PeerAddress(i), receiverPort))];
        Receiver = new ReceiverPlacement(_names.Namespace, SenderTargets, _names.RootAddress(KernelNames.OutputSlot));
        bool delays = scenario.Links.Any(l => l.DelayMs > 0) || scenario.Events.Any(e => e.Up?.DelayMs > 0 || e.Down?.DelayMs > 0);
        Limitations = delays ? "no delay on kernel links (the host kernel has no netem): base RTT under 1 ms; the scenario's delays are left out, its rates, loss and blackouts kept" : null;

        StaleSweep.Run(log);
        InterruptCleanup.Register(this);
        try
        {
            SetUp();
            CheckRouting();
            ChangeLatencyMs = MeasureChangeLatencyMs();
            log.LogInformation("bench adapt: kernel links {Namespace}: {Links}; tc rate changes land within {Ms:0.00} ms",
                _names.Namespace, string.Join(", ", _state.Select((s, i) => $"{s.Name} {s.RootDevice} → {_names.PeerAddress(i)} {Units.FormatBitrate(s.RateBps)}")), ChangeLatencyMs);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public LinkBackEnd BackEnd => LinkBackEnd.Kernel;
    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<IPEndPoint> SenderTargets { get; }
    public ReceiverPlacement Receiver { get; }
    public string? Limitations { get; }
    public long StartedAtNanos => Volatile.Read(ref _startNanos);

    /// <summary>How long a tc rate change took to show in tc's statistics, measured once at set-up.</summary>
    public double ChangeLatencyMs { get; }

    public Exception? Fault => Volatile.Read(ref _fault) ?? (_shells.Select(s => s.Error).FirstOrDefault(e => e is not null) is string e
        ? new RistbondException($"kernel links: {e}", ExitCodes.RuntimeFailure) : null);

    void SetUp()
    {
        string ns = _names.Namespace;
        try
        {
            NetCommand.Run("ip", ["netns", "add", ns]);
        }
        catch (RistbondException e)
        {
            throw new RistbondException($"bench adapt --links kernel: no network namespaces here ({e.Message})", ExitCodes.RuntimeFailure, e);
        }
        NetCommand.Run("ip", ["-n", ns, "link", "set", "lo", "up"]);
        for (int slot = 0; slot < _state.Length; slot++)
            AddVeth(slot);
        AddVeth(KernelNames.OutputSlot);

        NetCommand.Run("tc", ["-batch", "-"], string.Join('\n', _state.Select(s => ShaperCommands.Tbf("add", s.RootDevice, s.RateBps))) + "\n");
        NetCommand.Run("ip", ["netns", "exec", ns, "nft", "-f", "-"], ShaperCommands.Table(_names.Table) + ShaperCommands.Rules(_names.Table, _state));
        _tc = Shell(new LineShell("tc -batch", "tc", ["-batch", "-"]));
        _stats = Shell(new LineShell("tc -s -j -batch", "tc", ["-s", "-j", "-batch", "-"]));
        _nft = Shell(new LineShell("nft -i", "ip", ["netns", "exec", ns, "nft", "-i"]));
    }

    LineShell Shell(LineShell shell)
    {
        _shells.Add(shell);
        return shell;
    }

    void AddVeth(int slot)
    {
        string ns = _names.Namespace, root = _names.RootDevice(slot), peer = _names.PeerDevice(slot);
        NetCommand.Run("ip", ["link", "add", root, "type", "veth", "peer", "name", peer, "netns", ns]);
        // No IPv6 link-local address: router solicitations and MLD would be packets the counters charge to the link.
        NetCommand.Run("ip", ["link", "set", root, "addrgenmode", "none"]);
        NetCommand.Run("ip", ["-n", ns, "link", "set", peer, "addrgenmode", "none"]);
        NetCommand.Run("ip", ["addr", "add", $"{_names.RootAddress(slot)}/30", "dev", root]);
        NetCommand.Run("ip", ["-n", ns, "addr", "add", $"{_names.PeerAddress(slot)}/30", "dev", peer]);
        NetCommand.Run("ip", ["link", "set", root, "up"]);
        NetCommand.Run("ip", ["-n", ns, "link", "set", peer, "up"]);
    }

    /// <summary>A datagram to each link's receiver address must leave by that link's veth, and by no other.</summary>
    void CheckRouting()
    {
        const int probeBytes = 1200;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        for (int i = 0; i < _state.Length; i++)
        {
            long[] before = [.. _state.Select(s => TxBytes(s.RootDevice))];
            socket.SendTo(new byte[probeBytes], new IPEndPoint(_names.PeerAddress(i), 9));
            long deadline = MonotonicClock.NowNanos + 500_000_000;
            long[] after = before;
            while (MonotonicClock.NowNanos < deadline)
            {
                Thread.Sleep(5);
                after = [.. _state.Select(s => TxBytes(s.RootDevice))];
                if (after[i] - before[i] >= probeBytes)
                    break;
            }
            int[] carried = [.. Enumerable.Range(0, _state.Length).Where(j => after[j] - before[j] >= probeBytes)];
            if (carried.Length != 1 || carried[0] != i)
            {
                throw new RistbondException($"bench adapt --links kernel: a datagram to link {_state[i].Name} ({_names.PeerAddress(i)}) left by " +
                    (carried.Length == 0 ? "none of the links' veths" : string.Join(", ", carried.Select(j => _state[j].RootDevice))) +
                    $", not {_state[i].RootDevice}: the routing table does not send each link through its own veth", ExitCodes.RuntimeFailure);
            }
        }
    }

    static long TxBytes(string device) =>
        long.Parse(File.ReadAllText($"/sys/class/net/{device}/statistics/tx_bytes"), CultureInfo.InvariantCulture);

    /// <summary>
    /// Changes the first link's rate by 8 kbit/s and back, timing until tc's statistics show it: the worst of three,
    /// after one that lets the freshly started tc processes load (their start-up is not a change's latency).
    /// </summary>
    double MeasureChangeLatencyMs()
    {
        KernelLinkState first = _state[0];
        double worst = 0;
        for (int round = 0; round < 4; round++)
        {
            long probe = Math.Max(16_000, first.RateBps) + 8_000 * (round + 1);
            long start = MonotonicClock.NowNanos;
            _tc!.Send(ShaperCommands.Tbf("change", first.RootDevice, probe));
            while (!(Qdiscs().TryGetValue(first.RootDevice, out QdiscSample q) && q.RateBps == probe))
            {
                if (MonotonicClock.NowNanos - start > 1_000_000_000)
                    throw new RistbondException($"bench adapt --links kernel: a tc rate change on {first.RootDevice} did not show within 1 s", ExitCodes.RuntimeFailure);
            }
            if (round > 0)
                worst = Math.Max(worst, (MonotonicClock.NowNanos - start) / 1e6);
        }
        _tc!.Send(ShaperCommands.Tbf("change", first.RootDevice, first.RateBps));
        return worst;
    }

    Dictionary<string, QdiscSample> Qdiscs() =>
        _stats!.Ask("qdisc show") is string json ? QdiscCounters.Parse(json) : throw new RistbondException($"kernel links: {_stats.Error ?? "tc stopped answering"}", ExitCodes.RuntimeFailure);

    public void ReadUpCounters(Span<LinkCounters> into)
    {
        Dictionary<string, QdiscSample> qdiscs;
        try
        {
            qdiscs = Qdiscs();
        }
        catch (Exception e) when (e is RistbondException or System.Text.Json.JsonException or IOException)
        {
            Interlocked.CompareExchange(ref _fault, e, null);
            return;
        }
        for (int i = 0; i < into.Length; i++)
            into[i] = qdiscs.TryGetValue(_state[i].RootDevice, out QdiscSample q) ? QdiscCounters.ToLinkCounters(q) : into[i];
    }

    public void Start()
    {
        long start = MonotonicClock.NowNanos;
        Volatile.Write(ref _startNanos, start);
        _events = new Thread(() => EventLoop(start)) { IsBackground = true, Name = "kernel link events" };
        _events.Start();
    }

    void EventLoop(long startNanos)
    {
        try
        {
            foreach (KernelEvent e in KernelEvent.Timeline(_scenario))
            {
                long due = startNanos + (long)(e.AtSeconds * MonotonicClock.NanosPerSecond);
                for (long now = MonotonicClock.NowNanos; now < due; now = MonotonicClock.NowNanos)
                {
                    if (_stopping)
                        return;
                    MonotonicClock.SleepUntil(Math.Min(due, now + StopCheckNanos));
                }
                if (_stopping)
                    return;
                Apply(e);
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _fault, new RistbondException($"kernel link events: {e.Message}", ExitCodes.RuntimeFailure, e), null);
        }
    }

    void Apply(KernelEvent e)
    {
        int i = Array.FindIndex(_state, s => s.Name == e.Link);
        KernelLinkState before = _state[i], after = e.ApplyTo(before);
        _state[i] = after;
        if (after.RateBps != before.RateBps)
            _tc!.Send(ShaperCommands.Tbf("change", after.RootDevice, after.RateBps));
        if (after.UpLoss != before.UpLoss || after.DownLoss != before.DownLoss || after.Dark != before.Dark)
            _nft!.Send(ShaperCommands.Rules(_names.Table, _state));
    }

    public void Dispose()
    {
        lock (_disposeLock)
        {
            if (_stopping)
                return;
            _stopping = true;
        }
        _events?.Join(TimeSpan.FromSeconds(1));
        foreach (LineShell shell in _shells)
            shell.Dispose();
        // Deleting a root end takes its peer and qdisc at once; a namespace's own veths go asynchronously, and the
        // next scenario of this run makes the same names.
        for (int slot = 0; slot < _state.Length; slot++)
            NetCommand.TryRun("ip", ["link", "del", _names.RootDevice(slot)]);
        NetCommand.TryRun("ip", ["link", "del", _names.RootDevice(KernelNames.OutputSlot)]);
        StaleSweep.Remove(_names.Namespace);
        InterruptCleanup.Done(this);
    }
}
