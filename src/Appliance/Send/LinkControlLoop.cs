using System.Globalization;
using Microsoft.Extensions.Logging;
using Ristbond.Bonding;
using Ristbond.Ingest;
using Ristbond.Platform;
using Ristbond.Rist;
using Ristbond.Appliance.Status;

namespace Ristbond.Appliance.Send;

/// <summary>
/// The control loop of <c>ristbond send</c>, on its own thread: every 100 ms it reads each link's stats, decides
/// its state and weight and hands the weight to librist; once a second it publishes a stats report. The only
/// thread that sets weights, so librist is never called from its own callbacks.
/// </summary>
public sealed class LinkControlLoop(RistSender sender, TsSource source, ILogger log)
{
    const long TickNanos = 100_000_000;
    const long ReportNanos = MonotonicClock.NanosPerSecond;

    readonly Dictionary<RistLink, LinkMemory> _memory = [];
    readonly long _startNanos = MonotonicClock.NowNanos;
    long _lastReportNanos;
    long _nextReportNanos;
    long _lastInputBytes;
    StatsReport? _latest;
    int _liveLinks;

    /// <summary>Called with each report, on the loop's thread.</summary>
    public event Action<StatsReport>? Reported;

    /// <summary>The latest report (null before the first second).</summary>
    public StatsReport? Latest => Volatile.Read(ref _latest);

    public bool AnyLinkLive => Volatile.Read(ref _liveLinks) > 0;

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

    void Tick(long now)
    {
        int live = 0;
        foreach (RistLink link in sender.Links)
        {
            LinkMemory memory = MemoryOf(link);
            var observation = Observe(link, now);
            LinkState state = LinkLiveness.StateOf(observation);
            if (state != memory.State)
                LogTransition(link, memory.State, state, observation);
            memory.State = state;
            if (state == LinkState.Live)
                live++;
            sender.SetWeight(link, StaticWeights.For(state, ConfiguredWeight(link)));
        }
        Volatile.Write(ref _liveLinks, live);
        ForgetRemovedLinks();

        if (now >= _nextReportNanos - TickNanos / 2)
        {
            _nextReportNanos += ReportNanos;
            StatsReport report = BuildReport(now);
            Volatile.Write(ref _latest, report);
            Reported?.Invoke(report);
        }
    }

    StatsReport BuildReport(long now)
    {
        double seconds = (now - _lastReportNanos) / (double)MonotonicClock.NanosPerSecond;
        _lastReportNanos = now;
        var links = new List<LinkReport>();
        long sentBps = 0, retransmitBps = 0;
        int live = 0;
        foreach (RistLink link in sender.Links)
        {
            LinkMemory memory = MemoryOf(link);
            LinkStats stats = link.ReadStats();
            long sent = stats.SentPackets - memory.ReportedStats.SentPackets;
            long retransmitted = stats.RetransmittedPackets - memory.ReportedStats.RetransmittedPackets;
            memory.ReportedStats = stats;
            long linkRetransmitBps = (long)(retransmitted * MpegTs.TsPacket.DatagramSize * 8 / seconds);
            long linkSentBps = memory.State == LinkState.Dead ? 0 : stats.SendRateBps;
            links.Add(new LinkReport
            {
                Name = link.Name,
                Url = link.Url.Redacted,
                State = memory.State.ToWire(),
                RttMs = Math.Round(stats.RttMs, 1),
                Loss = sent > 0 ? Math.Round((double)retransmitted / sent, 4) : 0,
                SentBps = linkSentBps,
                RetransmitBps = linkRetransmitBps,
                Weight = link.Weight,
            });
            sentBps += linkSentBps;
            retransmitBps += linkRetransmitBps;
            if (memory.State == LinkState.Live)
                live++;
        }
        long inputBytes = source.Bytes;
        long inputBps = (long)((inputBytes - _lastInputBytes) * 8 / seconds);
        _lastInputBytes = inputBytes;
        return new StatsReport
        {
            T = Math.Round((now - _startNanos) / (double)MonotonicClock.NanosPerSecond, 3),
            Links = links,
            Totals = new TotalsReport
            {
                InputBps = inputBps,
                SentBps = sentBps,
                RetransmitBps = retransmitBps,
                Links = links.Count,
                LinksLive = live,
                InputPackets = source.Packets,
                SyncErrors = source.SyncErrors,
                Datagrams = sender.DatagramsSent,
                WriteErrors = sender.WriteErrors,
            },
        };
    }

    static LinkObservation Observe(RistLink link, long now)
    {
        LinkStats stats = link.ReadStats();
        return new LinkObservation
        {
            NowNanos = now,
            AddedNanos = link.AddedNanos,
            LastRtcpNanos = stats.LastRtcpNanos,
            SentPackets = stats.SentPackets,
            RetransmittedPackets = stats.RetransmittedPackets,
            ReceivedPackets = stats.ReceivedPackets,
            RttMs = stats.RttMs,
            SendRateBps = stats.SendRateBps,
        };
    }

    /// <summary>weight= from the link's URL (1 if absent); 0 asks for a copy of every packet on that link.</summary>
    public static uint ConfiguredWeight(RistLink link) =>
        link.Url["weight"] is string text && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint weight) ? weight : 1;

    void LogTransition(RistLink link, LinkState from, LinkState to, in LinkObservation observation)
    {
        switch (to)
        {
            case LinkState.Live when from == LinkState.Dead:
                log.LogInformation("link {Link}: alive again (rtt {Rtt} ms), back in rotation", link.Name, observation.RttMs);
                break;
            case LinkState.Live:
                log.LogInformation("link {Link}: live (rtt {Rtt} ms)", link.Name, observation.RttMs);
                break;
            case LinkState.Dead:
                log.LogWarning("link {Link}: no answer from the receiver for {Silence:0.0} s, out of rotation",
                    link.Name, (observation.NowNanos - observation.LastRtcpNanos) / 1e9);
                break;
        }
    }

    LinkMemory MemoryOf(RistLink link)
    {
        if (!_memory.TryGetValue(link, out LinkMemory? memory))
            _memory[link] = memory = new LinkMemory();
        return memory;
    }

    void ForgetRemovedLinks()
    {
        if (_memory.Count <= sender.Links.Length)
            return;
        foreach (RistLink gone in _memory.Keys.Except(sender.Links).ToList())
            _memory.Remove(gone);
    }

    sealed class LinkMemory
    {
        public LinkState State = LinkState.Connecting;
        public LinkStats ReportedStats;
    }
}
