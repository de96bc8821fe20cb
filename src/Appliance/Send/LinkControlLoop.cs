using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Status;
using Ristbond.Bonding;
using Ristbond.Ingest;
using Ristbond.Platform;
using Ristbond.Rist;

namespace Ristbond.Appliance.Send;

/// <summary>
/// The control loop of <c>ristbond send</c>, on its own thread: every 100 ms it hands each link's counters to the
/// <see cref="BondingController"/>, gives librist the weights it decides (the only thread that does, so librist is
/// never called from its own callbacks), sets the encoder to the recommended bitrate, and once a second publishes
/// a stats report. It owns the controller: links added or removed elsewhere are picked up from the sender's
/// snapshot at the next tick.
/// </summary>
public sealed class LinkControlLoop(RistSender sender, TsSource source, BondingController controller, BitratePublisher publisher, ILogger log)
{
    /// <summary>The modem behind a link, if it is one (set for <c>--modems</c>): its signal feeds the link's health.</summary>
    public Func<string, ModemLink?> ModemOf { get; init; } = static _ => null;

    /// <summary>Whether the input is being sent (see <see cref="InputGate"/>), for the report.</summary>
    public Func<bool> Streaming { get; init; } = static () => true;

    /// <summary>The stream pacer between the input and the links: its rate follows the source's bit rate, its figures go in the report.</summary>
    public required Ingest.Pacing.StreamPacer Pacer { get; init; }
    readonly Ingest.Pacing.BurstMeter _burst = new();

    /// <summary>Where <c>--control-trace</c> rows go (see <see cref="ControlTrace"/>); null: no trace.</summary>
    public TextWriter? Trace { get; init; }
    readonly System.Text.StringBuilder _traceRows = new();

    const long TickNanos = 100_000_000;
    const long ReportNanos = MonotonicClock.NanosPerSecond;

    readonly Dictionary<string, TrackedLink> _known = [];
    readonly List<EventReport> _pendingEvents = [];
    readonly long _startNanos = MonotonicClock.NowNanos;
    long _nextReportNanos;
    long _lastReportNanos;
    long _lastInputBytes;
    BondingDecision? _decision;
    StatsReport? _latest;
    ImmutableHashSet<string> _liveNames = ImmutableHashSet<string>.Empty;

    /// <summary>Called with each report, on the loop's thread.</summary>
    public event Action<StatsReport>? Reported;

    /// <summary>The latest report (null before the first second).</summary>
    public StatsReport? Latest => Volatile.Read(ref _latest);

    /// <summary>True once some link's receiver answers (the link carries traffic).</summary>
    public bool AnyLinkLive => !Volatile.Read(ref _liveNames).IsEmpty;

    /// <summary>True when the named link's receiver answers and it is in rotation. Any thread.</summary>
    public bool IsLive(string name) => Volatile.Read(ref _liveNames).Contains(name);

    public void Run(CancellationToken cancellation)
    {
        long next = MonotonicClock.NowNanos;
        _lastReportNanos = next;
        _nextReportNanos = next + ReportNanos;
        while (!cancellation.IsCancellationRequested)
        {
            next += TickNanos;
            MonotonicClock.SleepUntil(next);
            Tick(MonotonicClock.NowNanos);
        }
    }

    /// <summary>Sets the ceiling of the recommendation from another thread; applied at the next tick.</summary>
    public void RequestMaxBitrate(long bitsPerSecond) => RequestBitrateLimits(null, bitsPerSecond);

    /// <summary>Sets the range of the recommendation from another thread (null keeps that end); applied at the next tick.</summary>
    public void RequestBitrateLimits(long? minBitsPerSecond, long? maxBitsPerSecond)
    {
        if (minBitsPerSecond is long min and > 0)
            Interlocked.Exchange(ref _requestedMinBitrate, min);
        if (maxBitsPerSecond is long max and > 0)
            Interlocked.Exchange(ref _requestedMaxBitrate, max);
    }

    /// <summary>
    /// Called at the end of every tick, on the loop's thread, with the tick's time: the service's systemd watchdog
    /// pings come from here, so they stop when this loop hangs.
    /// </summary>
    public Action<long>? Ticked { get; init; }

    long _requestedMaxBitrate;
    long _requestedMinBitrate;

    void Tick(long now)
    {
        long requestedMin = Interlocked.Exchange(ref _requestedMinBitrate, 0);
        long requestedMax = Interlocked.Exchange(ref _requestedMaxBitrate, 0);
        if (requestedMin > 0 || requestedMax > 0)
        {
            controller.SetBitrateLimits(requestedMin > 0 ? requestedMin : controller.Options.MinBitrateBps,
                requestedMax > 0 ? requestedMax : controller.Options.MaxBitrateBps);
        }
        var links = sender.Links;
        FollowLinkChanges(links);
        // Each link's stats are read once per tick; the controller, the trace and the report use this reading.
        var observations = new (string, LinkObservation)[links.Length];
        for (int i = 0; i < links.Length; i++)
            observations[i] = (links[i].Name, _known[links[i].Name].Observe(ModemOf(links[i].Name)));
        var input = new BondingInput { NowNanos = now, DatagramsSent = sender.DatagramsSent, SourceBitrateBps = SourceBitrate() };
        BondingDecision decision = controller.Update(input, observations);
        _decision = decision;
        WriteTrace(now, input.SourceBitrateBps, decision);

        int live = 0;
        foreach (LinkDecision d in decision.Links)
        {
            if (_known.TryGetValue(d.Name, out TrackedLink? link))
                sender.SetWeight(link.Link, d.Weight);
            if (d.State.CarriesTraffic())
                live++;
        }
        Volatile.Write(ref _liveNames, decision.Links.Where(d => d.State.CarriesTraffic()).Select(d => d.Name).ToImmutableHashSet(StringComparer.Ordinal));
        foreach (LinkTransition t in decision.Transitions)
            LogTransition(t, decision);
        if (decision.Event is BondingEvent e)
            Announce(e);
        // With --static-weights the bitrate is fixed: a source ristbond drives keeps what it was set to (at start or
        // by the control socket's `bitrate`) instead of being reset to the start value at every tick.
        if (live > 0 && (controller.Options.Adaptive || source is not IBitrateFollower))
            publisher.Publish(decision.RecommendedBitrateBps, now);
        // The pacer follows what the source was told (an encoder ristbond drives, testsrc), else the larger of what the
        // links can carry and what the input brings: holding an external encoder's stream to less only adds delay.
        Pacer.SourceRateBps = (long)(source is IBitrateFollower follower ? follower.BitrateBps : Math.Max(decision.RecommendedBitrateBps, _lastInputBps));
        _burst.Add(Pacer.BytesOut);

        if (now >= _nextReportNanos - TickNanos / 2)
        {
            _nextReportNanos += ReportNanos;
            StatsReport report = BuildReport(now, decision);
            Volatile.Write(ref _latest, report);
            Reported?.Invoke(report);
        }
        Ticked?.Invoke(now);
    }

    void WriteTrace(long now, double sourceBps, BondingDecision decision)
    {
        if (Trace is null)
            return;
        _traceRows.Clear();
        ControlTrace.AppendRows(_traceRows, (now - _startNanos) / 1e9, sourceBps, decision, controller.Links);
        Trace.Write(_traceRows);
        Trace.Flush(); // a trace is read while the problem happens, or after a crash
    }

    void FollowLinkChanges(System.Collections.Immutable.ImmutableArray<RistLink> links)
    {
        foreach (RistLink link in links)
        {
            if (_known.TryAdd(link.Name, new TrackedLink(link)))
                controller.AddLink(link.Name, ModemOf(link.Name)?.Signal.CapacityPriorBps);
        }
        if (_known.Count == links.Length)
            return;
        foreach (string gone in _known.Keys.Where(name => !links.Any(l => l.Name == name)).ToList())
        {
            _known.Remove(gone);
            controller.RemoveLink(gone);
        }
    }

    /// <summary>A link as the loop follows it: the stats read at this tick, and the RTT readings since the last.</summary>
    sealed class TrackedLink(RistLink link)
    {
        readonly RttSample[] _rtt = new RttSample[16];
        long _lastRttNanos;

        public RistLink Link { get; } = link;
        /// <summary>The preference weight= in the URL gives (parsed once: the URL does not change).</summary>
        public double Preference { get; } = ConfiguredWeight(link);
        /// <summary>This tick's reading of the link's stats.</summary>
        public LinkStats Stats { get; private set; }

        public LinkObservation Observe(ModemLink? modem)
        {
            LinkStats stats = Stats = Link.ReadStats();
            int count = Link.CopyRttSamples(_lastRttNanos, _rtt);
            if (count > 0)
                _lastRttNanos = _rtt[count - 1].Nanos;
            return new LinkObservation
            {
                LastRtcpNanos = stats.LastRtcpNanos,
                ReportNanos = stats.LastReportNanos,
                SentPackets = stats.SentPackets,
                RetransmittedPackets = stats.RetransmittedPackets,
                ReceivedPackets = stats.ReceivedPackets,
                RttMs = stats.RttMs,
                RttSamples = new ReadOnlyMemory<RttSample>(_rtt, 0, count),
                KeepalivesPerSecond = 1000.0 / Link.KeepaliveIntervalMs,
                SignalFactor = modem?.Signal.Factor ?? 1,
                Preference = Preference,
            };
        }
    }

    /// <summary>weight= from the link's URL (1 if absent): its preference; 0 asks for a copy of every packet on that link.</summary>
    public static double ConfiguredWeight(RistLink link) =>
        link.Url["weight"] is string text && uint.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint weight) ? weight : 1;

    double SourceBitrate() => source is IBitrateFollower follower ? follower.BitrateBps : _lastInputBps;

    double _lastInputBps;

    void Announce(BondingEvent e)
    {
        var report = new EventReport
        {
            Type = e.WireType,
            T = Math.Round((e.AtNanos - _startNanos) / 1e9, 3),
            RecommendedBitrateBps = (long)e.RecommendedBitrateBps,
            UsableCapacityBps = (long)e.UsableCapacityBps,
        };
        _pendingEvents.Add(report);
        log.LogInformation("{Type}: recommended bitrate {Rate} (links can carry {Capacity})",
            report.Type, Units.FormatBitrate(e.RecommendedBitrateBps), Units.FormatBitrate(e.UsableCapacityBps));
    }

    void LogTransition(LinkTransition t, BondingDecision decision)
    {
        LinkDecision d = decision.Links.First(l => l.Name == t.Link);
        switch (t.To)
        {
            case LinkState.Probing:
                log.LogInformation("link {Link}: receiver answers (rtt {Rtt:0} ms), probing", t.Link, d.RttMs);
                break;
            case LinkState.Live when t.From == LinkState.Degraded:
                log.LogInformation("link {Link}: healthy again, full share", t.Link);
                break;
            case LinkState.Live:
                log.LogInformation("link {Link}: live, capacity about {Capacity}", t.Link, Units.FormatBitrate(d.CapacityBps));
                break;
            case LinkState.Degraded:
                log.LogWarning("link {Link}: degraded (loss {Loss:P1}, queue {Queue:0} ms, health {Health:0.00}), reduced share", t.Link, d.Loss, d.QueueDelayMs, d.Health);
                break;
            case LinkState.Dead:
                log.LogWarning("link {Link}: no answer from the receiver for {Silence:0.0} s, out of rotation", t.Link,
                    (MonotonicClock.NowNanos - (_known.TryGetValue(t.Link, out TrackedLink? l) ? l.Stats.LastRtcpNanos : 0)) / 1e9);
                break;
        }
    }

    StatsReport BuildReport(long now, BondingDecision decision)
    {
        double seconds = (now - _lastReportNanos) / (double)MonotonicClock.NanosPerSecond;
        _lastReportNanos = now;
        long inputBytes = source.Bytes;
        _lastInputBps = (inputBytes - _lastInputBytes) * 8 / seconds;
        _lastInputBytes = inputBytes;

        var links = new List<LinkReport>(decision.Links.Count);
        long sentBps = 0, retransmitBps = 0;
        int live = 0;
        foreach (LinkDecision d in decision.Links)
        {
            if (!_known.TryGetValue(d.Name, out TrackedLink? tracked))
                continue;
            RistLink link = tracked.Link;
            LinkStats stats = tracked.Stats;
            LinkStats previous = _reported.GetValueOrDefault(d.Name);
            _reported[d.Name] = stats;
            long linkRetransmitBps = (long)((stats.RetransmittedPackets - previous.RetransmittedPackets) * MpegTs.TsPacket.DatagramSize * 8 / seconds);
            long linkSentBps = d.State.CarriesTraffic() ? stats.SendRateBps : 0;
            links.Add(new LinkReport
            {
                Name = d.Name,
                Url = link.Url.Redacted,
                State = d.State.ToWire(),
                RttMs = Math.Round(d.RttMs, 1),
                QueueDelayMs = Math.Round(d.QueueDelayMs, 1),
                Loss = Math.Round(d.Loss, 4),
                CapacityBps = (long)d.CapacityBps,
                Health = Math.Round(d.Health, 3),
                SentBps = linkSentBps,
                RetransmitBps = linkRetransmitBps,
                Weight = d.Weight,
                Modem = ModemOf(d.Name) is ModemLink modem ? ModemLinkReport.From(modem) : null,
            });
            sentBps += linkSentBps;
            retransmitBps += linkRetransmitBps;
            if (d.State.CarriesTraffic())
                live++;
        }
        foreach (string gone in _reported.Keys.Where(k => !_known.ContainsKey(k)).ToList())
            _reported.Remove(gone);

        IReadOnlyList<EventReport>? events = _pendingEvents.Count > 0 ? [.. _pendingEvents] : null;
        _pendingEvents.Clear();
        return new StatsReport
        {
            T = Math.Round((now - _startNanos) / (double)MonotonicClock.NanosPerSecond, 3),
            BitrateBps = (long)SourceBitrate(),
            RecommendedBitrateBps = (long)decision.RecommendedBitrateBps,
            MinBitrateBps = (long)controller.Options.MinBitrateBps,
            MaxBitrateBps = (long)controller.Options.MaxBitrateBps,
            Streaming = Streaming(),
            Links = links,
            Totals = new TotalsReport
            {
                InputBps = (long)_lastInputBps,
                SentBps = sentBps,
                RetransmitBps = retransmitBps,
                Links = links.Count,
                LinksLive = live,
                InputPackets = source.Packets,
                SyncErrors = source.SyncErrors,
                Datagrams = sender.DatagramsSent,
                WriteErrors = sender.WriteErrors,
            },
            Events = events,
            Pacer = new PacerReport
            {
                LatencyBudgetMs = Pacer.Options.LatencyBudgetMs,
                PeakFactor = Pacer.Options.PeakFactor,
                RateBps = (long)(Pacer.SourceRateBps * Pacer.Options.PeakFactor),
                QueuedMs = Math.Round(Pacer.Queued * MpegTs.TsPacket.DatagramSize * 8 * 1000.0 / Pacer.SourceRateBps, 1),
                LongestWaitMs = Math.Round(Pacer.TakeLongestWaitNanos() / 1e6, 1),
                LateDatagrams = Pacer.LateDatagrams,
                Burstiness = _burst.PeakToMean() is double b ? Math.Round(b, 2) : null,
            },
            Encoder = source is VideoTsSource video ? video.ReadStats() : null,
        };
    }

    readonly Dictionary<string, LinkStats> _reported = [];
}
