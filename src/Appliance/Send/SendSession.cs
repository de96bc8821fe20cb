using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Control;
using Ristbond.Appliance.Status;
using Ristbond.Ingest;
using Ristbond.Modems;
using Ristbond.Platform;
using Ristbond.Rist;
using Ristbond.Web;

namespace Ristbond.Appliance.Send;

/// <summary>
/// The life of <c>ristbond send</c>: check the outputs, open the input, create the sender and its links, wait for
/// a receiver, stream until stopped (signal, end of a file, --duration, or a fatal error), then let the last
/// retransmissions go out and close. Returns the process exit code.
/// </summary>
public sealed class SendSession : IControlTarget, IStreamControl, Config.ILiveConfigTarget, IDisposable
{
    /// <summary>
    /// After the input ends or a stop is asked for, the sender stays up this long so packets lost just before can
    /// still be retransmitted (a receiver NACKs within its buffer; 1 s keeps a SIGTERM stop under systemd's 2 s).
    /// </summary>
    const int DrainMs = 1000;

    readonly SendOptions _options;
    readonly ILogger _log;
    /// <summary>Stops everything at once: a fatal error, or a second signal.</summary>
    readonly CancellationTokenSource _stop = new();
    /// <summary>Stops the input only (a signal, --duration): the links stay up to drain.</summary>
    readonly CancellationTokenSource _stopInput = new();
    readonly List<IDisposable> _owned = [];
    readonly List<Thread> _threads = [];
    TsSource? _source;
    RistSender? _sender;
    LinkControlLoop? _loop;
    InputGate? _gate;
    Board.BoardService? _board;
    Exception? _fatal;

    public SendSession(SendOptions options, ILogger log)
    {
        _options = options;
        _log = log;
    }

    // What a supervisor (the service: systemd) is told. Each runs on the thread named, and must be quick.

    /// <summary>Once, on the main thread, when a receiver has answered and the input starts: streaming.</summary>
    public Action? Streaming { get; init; }
    /// <summary>Once, on the main thread, when a stop was asked for (signal, --duration, end of input) and draining begins.</summary>
    public Action? Stopping { get; init; }
    /// <summary>At the end of each control-loop tick (10 per second), on its thread, with the tick's monotonic time.</summary>
    public Action<long>? Ticked { get; init; }
    /// <summary>Each stats report (once a second), on the control loop's thread.</summary>
    public Action<StatsReport>? Reported { get; init; }

    public int Run()
    {
        try
        {
            return RunToEnd();
        }
        catch
        {
            // Whatever stops ristbond with an error lights the board's error LED, which stays lit after exit.
            _board?.Fault();
            throw;
        }
    }

    int RunToEnd()
    {
        // First, so that any later error (a bad URL, no receiver) shows on the board.
        if (_options.BoardProfile is string profile)
        {
            Board.BoardService board = _board = Own(BoardFeed.Open(profile, _log));
            StartThread("board", () => board.Run(_stop.Token));
        }
        List<RistUrl> urls = [.. _options.Outputs.SelectMany(RistUrl.SplitList).Select(u => RistUrl.Parse(u))];
        RistUrl? modemTemplate = _options.ModemTemplate is string template ? CheckModemTemplate(template) : null;
        if (urls.Count == 0 && modemTemplate is null)
            throw new RistbondException("--output: give at least one rist:// URL");

        // Everything that can be checked without a receiver is checked before anything is printed or sent.
        foreach (RistUrl url in urls)
            url.ResolveReceiver();
        modemTemplate?.ResolveReceiver();
        StatusListenOptions? statusListen = _options.StatusListen is string listen ? StatusListenOptions.Create(listen, _options.StatusTokenFile) : null;
        if (statusListen is null && _options.StatusTokenFile is not null)
            throw new RistbondException($"{StatusListenOptions.TokenFileOption} needs {StatusListenOptions.ListenOption}");
        long startBitrate = Math.Clamp(_options.TestBitrateBps, _options.MinBitrateBps, _options.MaxBitrateBps);
        _source = Own(InputFactory.Open(_options.Input, _options.Loop, _options.TestBitrateBps, _log,
            _options.Video with { InitialBitrateBps = startBitrate, MaxBitrateBps = _options.MaxBitrateBps }));
        // Before anything is sent: a status port in use stops the start with one line, like any other bad input.
        StatusServer? status = statusListen is null ? null : Own(StatusServer.Start(statusListen, this, _log));

        _sender = Own(RistSender.Create(new RistSenderOptions { FlowId = _options.FlowId }, _log));
        _gate = new InputGate(_sender);
        var pacer = new Ingest.Pacing.StreamPacer(_gate, _options.Pacer, Math.Max(_options.MaxBitrateBps, startBitrate), startBitrate);
        foreach (RistUrl url in urls)
            _sender.AddLink(LinkNames.For(url, _sender.Links.Select(l => l.Name)), url, InitialWeight(url));
        _sender.Start();
        if (modemTemplate is null)
            _log.LogInformation("librist {Version}, flow id {FlowId}, {Count} link(s)", RistLibrary.Version, _sender.FlowId, urls.Count);
        else if (urls.Count == 0)
            _log.LogInformation("librist {Version}, flow id {FlowId}, links from the modems", RistLibrary.Version, _sender.FlowId);
        else
            _log.LogInformation("librist {Version}, flow id {FlowId}, links from the modems and {Count} static link(s)", RistLibrary.Version, _sender.FlowId, urls.Count);
        if (_source is VideoTsSource video)
            _log.LogInformation("video: {Input} {Format} through {Encoder} at {Rate}", video.Name, video.Format, video.EncoderDetail, Units.FormatBitrate(video.BitrateBps));

        var bonding = new Bonding.BondingOptions
        {
            Adaptive = !_options.StaticWeights,
            MinBitrateBps = _options.MinBitrateBps,
            MaxBitrateBps = _options.MaxBitrateBps,
        };
        double start = startBitrate;
        var publisher = Own(new BitratePublisher(_source, _options.BitrateCommand, _options.BitrateUdp, _log));
        ModemLinks? modemLinks = null;
        ModemWatcher? watcher = null;
        if (modemTemplate is not null)
        {
            var watcherOptions = new ModemWatcherOptions { AutoConnect = _options.AutoConnect };
            watcher = Own(new ModemWatcher(watcherOptions, _log));
            modemLinks = new ModemLinks(watcher, SignalHealth.DefaultStaleAfter(watcherOptions.SignalRateSeconds), modemTemplate, _sender,
                name => _loop!.IsLive(name), _log);
            watcher.Start();
        }
        _loop = new LinkControlLoop(_sender, _source, new Bonding.BondingController(bonding, start), publisher, _log)
        {
            ModemOf = modemLinks is null ? static _ => null : modemLinks.Find,
            Trace = _options.ControlTrace is string tracePath ? Own(OpenTrace(tracePath)) : null,
            Streaming = () => _gate.IsOpen,
            Ticked = Ticked,
            Pacer = pacer,
        };
        StatsOutput? stats = _options.StatsJson is string path ? Own(StatsOutput.Open(path)) : null;
        StatsTable? table = _options.Table ? new StatsTable() : null;
        _loop.Reported += report =>
        {
            // Serialized once for both the stats stream and the status server.
            if (stats is not null || status is not null)
            {
                byte[] json = JsonSerializer.SerializeToUtf8Bytes(report, StatsJsonContext.Default.StatsReport);
                stats?.Write(json);
                status?.Publish(json);
            }
            table?.Render(report);
            Reported?.Invoke(report);
            _board?.Post(BoardFeed.From(report, _loop.ModemOf, watcher));
        };
        StartThread("link-control", () => _loop.Run(_stop.Token));
        // On the stop token, not the input's: what is queued when the input ends still leaves, paced.
        StartThread("pacer", () => pacer.Run(_stop.Token));
        if (modemLinks is not null)
            StartThread("modem-links", () => modemLinks.Run(_stop.Token));
        if (_options.ControlSocket is string socket)
            Own(new ControlServer(socket, this, _log));

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        if (!WaitForReceiver(modemTemplate is null ? urls : [modemTemplate, .. urls]))
        {
            Stopping?.Invoke();
            return Finish();
        }
        _log.LogInformation("sending {Input} over {Count} link(s)", _source.Name, _sender.Links.Length);
        Streaming?.Invoke();
        var inputDone = new ManualResetEventSlim();
        StartThread("input", () =>
        {
            _source.Run(pacer, _stopInput.Token);
            inputDone.Set();
        });

        // Which came first decides what is said: a signal also ends the input, a moment later.
        bool inputEnded = WaitHandle.WaitAny([_stopInput.Token.WaitHandle, inputDone.WaitHandle], _options.Duration ?? Timeout.InfiniteTimeSpan) == 1;
        _stopInput.Cancel();
        Stopping?.Invoke();
        if (_fatal is null)
        {
            _log.LogInformation(inputEnded ? "input {Input} ended; letting retransmissions finish" : "stopping: letting retransmissions finish", _source.Name);
            _stop.Token.WaitHandle.WaitOne(DrainMs);
        }
        return Finish();
    }

    int Finish()
    {
        _stop.Cancel();
        if (_fatal is not null)
            _board?.Fault();
        if (_source is VideoTsSource video && video.AccessUnits > 0)
            _log.LogInformation("video: {Frames} frames sent ({Keyframes} keyframes, {Skipped} skipped)", video.AccessUnits, video.Keyframes, video.SkippedFrames);
        if (_fatal is RistbondException known)
            throw known;
        if (_fatal is not null)
        {
            _log.LogCritical(_fatal, "internal error");
            return ExitCodes.InternalError;
        }
        return ExitCodes.Ok;
    }

    /// <summary>Holds the input back until a receiver answers on some link, so the stream starts complete.</summary>
    bool WaitForReceiver(List<RistUrl> urls)
    {
        TimeSpan timeout = _options.ConnectTimeout ?? (_options.Modems ? TimeSpan.Zero : TimeSpan.FromSeconds(10));
        long deadline = timeout > TimeSpan.Zero
            ? MonotonicClock.NowNanos + (long)(timeout.TotalSeconds * MonotonicClock.NanosPerSecond)
            : long.MaxValue;
        while (!_loop!.AnyLinkLive)
        {
            if (_stopInput.Token.WaitHandle.WaitOne(50))
                return false;
            if (MonotonicClock.NowNanos > deadline)
            {
                throw new RistbondException(
                    $"no RIST receiver answered within {timeout.TotalSeconds:0.#} s on {string.Join(", ", urls.Select(u => u.Redacted))}",
                    ExitCodes.RuntimeFailure);
            }
        }
        return true;
    }

    /// <summary>With --modems the first -o URL is the template of every modem's link: it names the receiver, the modem the interface.</summary>
    static RistUrl CheckModemTemplate(string text)
    {
        RistUrl url = RistUrl.Parse(text);
        if (url["miface"] is not null)
            throw new RistbondException($"--output '{url}': with --modems, the first URL is the modems' template and miface= is set per modem; leave it out (a static link on an interface goes in a further -o)");
        return url;
    }

    /// <summary>The first signal stops the input and drains; a second one stops at once.</summary>
    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (_stopInput.IsCancellationRequested)
            _stop.Cancel();
        _stopInput.Cancel();
    }

    void StartThread(string name, Action body)
    {
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                // A dead loop ends the process with a non-zero code; the error is reported once, by Run's caller.
                Interlocked.CompareExchange(ref _fatal, e, null);
                _stop.Cancel();
                _stopInput.Cancel();
            }
        })
        { Name = name, IsBackground = true };
        _threads.Add(thread);
        thread.Start();
    }

    /// <summary>A new link starts out of rotation (weight 1; 0 would be "copy of everything") until its receiver answers.</summary>
    static uint InitialWeight(RistUrl url) => url["weight"] == "0" ? 0u : 1u;

    static StreamWriter OpenTrace(string path)
    {
        var writer = new StreamWriter(OutputFile.Open(path, "--control-trace", FileMode.Create));
        writer.Write(Bonding.ControlTrace.Header + "\n");
        return writer;
    }

    T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    // IControlTarget: the control socket's thread calls these.

    string IControlTarget.AddLink(string url) => AddLink(url, "control socket");

    void IControlTarget.RemoveLink(string name) => RemoveLink(name, "control socket");

    string AddLink(string url, string reason)
    {
        RistUrl parsed = RistUrl.Parse(url, "add");
        string name = LinkNames.For(parsed, _sender!.Links.Select(l => l.Name));
        _sender.AddLink(name, parsed, InitialWeight(parsed), "add", reason);
        return name;
    }

    void RemoveLink(string name, string reason)
    {
        RistLink link = _sender!.Links.FirstOrDefault(l => l.Name == name)
            ?? throw new RistbondException($"remove: no link named '{name}'");
        _sender.RemoveLink(link, reason);
    }

    void IControlTarget.SetBitrate(long bitsPerSecond)
    {
        if (!_options.StaticWeights)
        {
            // The control loop sets the bitrate; what an operator sets is its ceiling.
            _loop!.RequestMaxBitrate(bitsPerSecond);
            _log.LogInformation("bitrate: at most {Rate} from now on", Units.FormatBitrate(bitsPerSecond));
            return;
        }
        switch (_source)
        {
            case TestSource test:
                test.BitrateBps = bitsPerSecond;
                break;
            case IBitrateFollower follower:
                follower.FollowBitrate(bitsPerSecond);
                break;
            default:
                throw new RistbondException($"bitrate: the input {_source?.Name} is not testsrc, pattern or v4l2://; its bit rate is set by its encoder");
        }
        _log.LogInformation("{Input}: bit rate set to {Rate}", _source.Name, Units.FormatBitrate(((IBitrateFollower)_source).BitrateBps));
    }

    // ILiveConfigTarget: the service's configuration reload calls these on its own thread.

    string Config.ILiveConfigTarget.AddLink(string url) => AddLink(url, "configuration reload");

    void Config.ILiveConfigTarget.RemoveLink(string name) => RemoveLink(name, "configuration reload");

    void Config.ILiveConfigTarget.SetBitrateLimits(long minBitsPerSecond, long maxBitsPerSecond) =>
        _loop!.RequestBitrateLimits(minBitsPerSecond, maxBitsPerSecond);

    void IControlTarget.SetStreaming(bool streaming) => ((IStreamControl)this).SetStreaming(streaming);

    string IControlTarget.StatsJson() =>
        _loop?.Latest is StatsReport report ? JsonSerializer.Serialize(report, StatsJsonContext.Default.StatsReport) : "{}";

    // IStreamControl: the status server's request threads call these.

    void IStreamControl.SetStreaming(bool streaming)
    {
        InputGate gate = _gate ?? throw new RistbondException("streaming: the sender is still starting");
        if (gate.IsOpen == streaming)
            return;
        gate.IsOpen = streaming;
        _log.LogInformation(streaming ? "streaming resumed: sending {Input} again" : "streaming stopped: {Input} is dropped, the links stay up", _source!.Name);
    }

    void IStreamControl.SetBitrateLimits(long? minBps, long? maxBps)
    {
        if (_options.StaticWeights)
            throw new RistbondException("bitrate limits: --static-weights runs without the control loop that keeps them");
        LinkControlLoop loop = _loop ?? throw new RistbondException("bitrate limits: the sender is still starting");
        loop.RequestBitrateLimits(minBps, maxBps);
    }

    public void Dispose()
    {
        _stopInput.Cancel();
        _stop.Cancel();
        // Threads first: the input thread may be inside librist until it sees the token.
        foreach (Thread thread in _threads)
            thread.Join(TimeSpan.FromSeconds(2));
        for (int i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _stop.Dispose();
        _stopInput.Dispose();
    }
}
