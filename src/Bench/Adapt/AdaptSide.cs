using System.Globalization;
using Microsoft.Extensions.Logging;
using Ristbond.Bench.Adapt.Links;
using Ristbond.Bench.Adapt.Links.Kernel;
using Ristbond.Bench.Adapt.Video;
using Ristbond.LinkEmulator;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

public enum SideKind
{
    /// <summary><c>ristbond send</c> with adaptation, its own source (testsrc or the pattern's encoder) following the recommendation.</summary>
    Ristbond,
    /// <summary>librist's ristsender with equal weight=1 peers, fed the test stream or the pattern clip at the fixed bitrate over UDP.</summary>
    Baseline,
}

/// <summary>
/// One side of a comparison: sender → the scenario's links (its own: emulated and seeded alike, or kernel links
/// into a namespace of its own) → a ristreceiver → a verifying capture. Records ristbond's stats lines with their
/// arrival times and samples the links' and the capture's counters every 100 ms on its own thread.
/// </summary>
public sealed class AdaptSide : IDisposable
{
    public const long IntervalNanos = 100_000_000;

    /// <summary>The port the receivers listen on in their own namespaces (kernel links): nothing else is there.</summary>
    const int NamespaceReceiverPort = 6000;

    readonly AdaptScenario _scenario;
    readonly AdaptRunOptions _options;
    readonly string? _clipPath;
    readonly ILogger _log;
    readonly List<(long Nanos, string Line)> _statsLines = [];
    readonly Lock _lock = new();
    ChildProcess? _sender;
    IBaselineInput? _feeder;
    Thread? _sampler;
    volatile bool _sampling;

    /// <param name="clipPath">With <c>--input pattern</c>, the baseline's encoded clip (<see cref="PatternClip"/>).</param>
    public AdaptSide(SideKind kind, AdaptScenario scenario, AdaptRunOptions options, ILogger log, string? clipPath = null)
    {
        Kind = kind;
        _scenario = scenario;
        _options = options;
        _clipPath = clipPath;
        _log = log;
        Label = kind == SideKind.Ristbond ? "ristbond" : "baseline";
        Links = options.Links == LinkBackEnd.Kernel
            ? new KernelLinks(scenario, kind == SideKind.Ristbond ? 0 : 1, NamespaceReceiverPort, log)
            : new EmulatorLinks(scenario, UdpCounter.FreePort());
        try
        {
            string? recording = options.Input == AdaptInput.Pattern ? Path.Combine(options.OutDirectory, $"{options.FileStem(scenario)}-{Label}.ts") : null;
            Capture = new VerifyingCapture(Label, Links.Receiver.CaptureAddress, options.Input, recording);
            Receiver = new ReceiverProcess(Label, Links.Receiver, Capture.Port, AdaptScenario.ReceiverBufferMs, scenario.ReorderBufferMs, scenario.ReceiverRttMinMs);
        }
        catch
        {
            Capture?.Dispose();
            Links.Dispose();
            throw;
        }
        Wire = new WireTimeline(Links.Names);
        InterruptCleanup.Register(this);
    }

    public SideKind Kind { get; }
    public string Label { get; }
    public VerifyingCapture Capture { get; }
    public ReceiverProcess Receiver { get; }
    public IAdaptLinks Links { get; }
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
        string urls = string.Join(',', Links.Names.Select((name, i) => $"rist://{Links.SenderTargets[i]}?name={name}"));
        string[] input = _options.Input == AdaptInput.Pattern
            ? ["-i", "pattern", "--encoder", "x265", "--video-size", $"{PatternClip.Width}x{PatternClip.Height}", "--fps", Number(PatternClip.FramesPerSecond)]
            : ["-i", "testsrc"];
        _sender = ChildProcess.Ristbond(
        [
            "send", .. input,
            "--bitrate", Number(_scenario.StartBitrateBps),
            "--min-bitrate", Number(_scenario.MinBitrateBps),
            "--max-bitrate", Number(_scenario.MaxBitrateBps),
            "--stats-json", "-",
            "--duration", Number(_scenario.DurationSeconds),
            "-o", urls,
            .. _options.ControlTracePath is null ? Array.Empty<string>() : ["--control-trace", _options.ControlTracePath],
        ], OnStdout);
    }

    void StartBaseline()
    {
        int inputPort = UdpCounter.FreePort();
        string urls = string.Join(',', Links.SenderTargets.Select(t => $"rist://{t}?weight=1"));
        _sender = ChildProcess.RistSender($"udp://@127.0.0.1:{inputPort}", urls);
        _feeder = _options.Input == AdaptInput.Pattern
            ? new ClipPlayer(_clipPath ?? throw new InvalidOperationException("no clip for the baseline"), inputPort, _log)
            : new RateFeeder(inputPort, _scenario.BaselineBitrateBps);
        _feeder.Start();
    }

    /// <summary>Frames the baseline's clip player sent; null for testsrc and for ristbond (whose stats say what its encoder made).</summary>
    public long? FramesSent => (_feeder as ClipPlayer)?.FramesSent;

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
        var counters = new LinkCounters[Links.Names.Count];
        while (_sampling)
        {
            long now = MonotonicClock.NowNanos;
            Links.ReadUpCounters(counters);
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
            return $"{AdaptRunOptions.Name(Links.BackEnd)} links ({Label}): {fault.Message}";
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

    /// <summary>Ends the capture (closing its recording, for the decoder); the side's records stay readable.</summary>
    public void StopCapture() => Capture.Dispose();

    public void Dispose()
    {
        InterruptCleanup.Done(this);
        StopSampling();
        _feeder?.Dispose();
        _sender?.Dispose();
        Receiver.Dispose();
        Capture.Dispose();
        Links.Dispose();
    }
}
