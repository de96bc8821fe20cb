using System.Globalization;
using System.Net;
using Ristbond.LinkEmulator;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

public enum SideKind
{
    /// <summary><c>ristbond send -i testsrc</c> with adaptation, its own test source following the recommendation.</summary>
    Ristbond,
    /// <summary>librist's ristsender with equal weight=1 peers, fed the test stream at the fixed bitrate over UDP.</summary>
    Baseline,
}

/// <summary>
/// One side of a comparison: sender → the scenario's emulated links (their own, seeded alike) → a ristreceiver →
/// a verifying capture. Records ristbond's stats lines with their arrival times and samples the links' and the
/// capture's counters every 100 ms on its own thread.
/// </summary>
public sealed class AdaptSide : IDisposable
{
    public const long IntervalNanos = 100_000_000;

    readonly AdaptScenario _scenario;
    readonly List<(long Nanos, string Line)> _statsLines = [];
    readonly Lock _lock = new();
    ChildProcess? _sender;
    RateFeeder? _feeder;
    Thread? _sampler;
    volatile bool _sampling;

    readonly string? _controlTrace;

    /// <param name="controlTrace">ristbond's <c>--control-trace</c> file, if one is wanted.</param>
    public AdaptSide(SideKind kind, AdaptScenario scenario, string? controlTrace = null)
    {
        _controlTrace = controlTrace;
        Kind = kind;
        _scenario = scenario;
        Label = kind == SideKind.Ristbond ? "ristbond" : "baseline";
        Capture = new VerifyingCapture(Label);
        int receiverPort = UdpCounter.FreePort();
        Receiver = new ReceiverProcess(Label, receiverPort, Capture.Port, AdaptScenario.ReceiverBufferMs, scenario.ReorderBufferMs);
        Links = new ScenarioRunner(scenario.ToScenarioFile(new IPEndPoint(IPAddress.Loopback, receiverPort)));
        Wire = new WireTimeline([.. scenario.Links.Select(l => l.Name)]);
    }

    public SideKind Kind { get; }
    public string Label { get; }
    public VerifyingCapture Capture { get; }
    public ReceiverProcess Receiver { get; }
    public ScenarioRunner Links { get; }
    /// <summary>Filled by the sampling thread; read it after <see cref="StopSampling"/>.</summary>
    public WireTimeline Wire { get; }
    public ChildProcess? Sender => _sender;
    /// <summary>Monotonic time the links started: scenario time 0 of this side.</summary>
    public long StartNanos { get; private set; }

    /// <summary>Starts the links (their events count from now), the sender and the sampling.</summary>
    public void Start()
    {
        Links.Start();
        StartNanos = Links.StartedAtNanos;
        if (Kind == SideKind.Ristbond)
            StartRistbond();
        else
            StartBaseline();
        _sampling = true;
        _sampler = new Thread(Sample) { IsBackground = true, Name = $"bench-sample {Label}" };
        _sampler.Start();
    }

    void StartRistbond()
    {
        string urls = string.Join(',', Links.Links.Select(l => $"rist://127.0.0.1:{l.ListenEndPoint.Port}?name={l.Name}"));
        _sender = ChildProcess.Ristbond(
        [
            "send", "-i", "testsrc",
            "--bitrate", Number(_scenario.StartBitrateBps),
            "--min-bitrate", Number(_scenario.MinBitrateBps),
            "--max-bitrate", Number(_scenario.MaxBitrateBps),
            "--stats-json", "-",
            "--duration", Number(_scenario.DurationSeconds),
            "-o", urls,
            .. _controlTrace is null ? Array.Empty<string>() : ["--control-trace", _controlTrace],
        ], OnStdout);
    }

    void StartBaseline()
    {
        int inputPort = UdpCounter.FreePort();
        string urls = string.Join(',', Links.Links.Select(l => $"rist://127.0.0.1:{l.ListenEndPoint.Port}?weight=1"));
        _sender = ChildProcess.RistSender($"udp://@127.0.0.1:{inputPort}", urls);
        _feeder = new RateFeeder(inputPort, _scenario.BaselineBitrateBps);
        _feeder.Start();
    }

    void OnStdout(string line)
    {
        if (!line.StartsWith('{'))
            return;
        long now = MonotonicClock.NowNanos;
        lock (_lock)
            _statsLines.Add((now, line));
    }

    /// <summary>The end of the scenario: the baseline's encoder stops (ristbond stops itself after --duration).</summary>
    public void StopInput() => _feeder?.Stop();

    /// <summary>
    /// Ends ristsender, as ristbond ends itself a second after its input. Left running idle, ristsender keeps the
    /// flow alive without data, and ristreceiver 0.2.7 then once reports tens of thousands of packets "lost" that
    /// never existed (seen in every run), which would swamp the baseline's real count.
    /// </summary>
    public void StopSender()
    {
        if (Kind != SideKind.Baseline || _sender is null)
            return;
        _senderStopped = true;
        _sender.Kill();
    }

    volatile bool _senderStopped;

    public void StopSampling()
    {
        _sampling = false;
        _sampler?.Join(2000);
    }

    void Sample()
    {
        long next = StartNanos;
        var counters = new LinkCounters[Links.Links.Count];
        while (_sampling)
        {
            long now = MonotonicClock.NowNanos;
            for (int i = 0; i < counters.Length; i++)
                counters[i] = Links.Links[i].UpCounters;
            Wire.Add((now - StartNanos) / 1e9, Capture.Bytes, counters);
            next += IntervalNanos;
            if (next < MonotonicClock.NowNanos)
                next = MonotonicClock.NowNanos + IntervalNanos / 2;
            MonotonicClock.SleepUntil(next);
        }
    }

    /// <summary>What is wrong with this side while it runs (a process gone, a link loop dead), or null.</summary>
    /// <param name="ristbondMayHaveStopped">ristbond's --duration is up; ristsender has no end of its own and must still run.</param>
    public string? Problem(bool ristbondMayHaveStopped)
    {
        if (Receiver.Process.HasExited)
            return Receiver.Process.DescribeExit();
        if (Links.Fault is Exception fault)
            return $"link emulator ({Label}): {fault.Message}";
        if (_sender is { HasExited: true } && !_senderStopped && !(Kind == SideKind.Ristbond && ristbondMayHaveStopped))
            return _sender.DescribeExit();
        return null;
    }

    /// <summary>ristbond's stats lines, stamped in this side's scenario seconds.</summary>
    public StatsTimeline? StatsTimeline()
    {
        if (Kind != SideKind.Ristbond)
            return null;
        lock (_lock)
            return new StatsTimeline([.. _statsLines.Select(l => StatsSample.Parse(l.Line, (l.Nanos - StartNanos) / 1e9)).OfType<StatsSample>()]);
    }

    static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        StopSampling();
        _feeder?.Dispose();
        _sender?.Dispose();
        Links.Dispose();
        Receiver.Dispose();
        Capture.Dispose();
    }
}
