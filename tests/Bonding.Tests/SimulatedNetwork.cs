using Ristbond.Bonding;
using Ristbond.Ingest.Pacing;
using Ristbond.Platform;

namespace Ristbond.Bonding.Tests;

/// <summary>
/// The controller's world, simulated packet by packet in 5 ms steps, as librist and a cellular path would show it:
/// a source (constant rate following the recommendation, or video: frames of uneven size, keyframes, an encoder
/// that makes less than asked) through the real stream pacer (<see cref="PacingSchedule"/>); librist's weighted
/// round robin over packet credits, refilled when a round is spent; per link a FIFO bottleneck whose rate may
/// follow a trace, a tail-drop buffer, a base RTT, jitter, loss each way and blackouts; keepalives every 10 ms
/// through the same queue, answered by the receiver, their RTT smoothed as librist does (an EWMA of 1/8 in whole
/// ms) and reported every 50 ms; a receiver that NACKs what is lost or later than its reorder buffer, over its
/// lowest-RTT link, after that buffer, and whose retransmissions leave on that link. The controller ticks every
/// 100 ms (<see cref="Step"/>).
/// </summary>
public sealed partial class SimulatedNetwork : SimulatedNetwork.IReceiver
{
    public const long Tick = 100_000_000;
    const long StepNanos = 5_000_000;
    const long KeepaliveNanos = 10_000_000;
    const long ReportNanos = 50_000_000;
    const int DatagramBits = 1316 * 8;
    /// <summary>A data packet on the wire: 7×188 TS + RTP/GRE + UDP/IP, as the bench's links charge it.</summary>
    const int WireBits = 1364 * 8;
    const int KeepaliveWireBits = 104 * 8;

    readonly Random _random;
    readonly PacingSchedule _pacing = new(new PacerOptions());
    readonly Queue<long> _paced = new(); // arrival times of datagrams waiting in the pacer
    readonly List<Retransmission> _pendingRetransmissions = [];
    readonly Dictionary<long, long> _missing = []; // id → first send time, of data lost and not yet recovered
    readonly Dictionary<long, int> _asked = []; // id → NACKs sent for it
    /// <summary>A receiver asks for one packet this many times at most (librist's receivers give up too).</summary>
    const int MaxNacks = 7;
    /// <summary>librist's receiver's NACK timer.</summary>
    const long NackIntervalNanos = 5_000_000;
    const long NanosPerSecond = 1_000_000_000;
    readonly HashSet<long> _nackIntervals = []; // NACK timer intervals a NACK packet was sent in
    long _nextId;
    long _nextKeepalive;
    long _nextReport;
    long _nextFrame;
    double _sourceCarry;
    int _frameIndex;

    public SimulatedNetwork(BondingOptions options, double startBitrateBps, int seed = 1)
    {
        Controller = new BondingController(options, startBitrateBps);
        _random = new Random(seed);
        _nextKeepalive = _nextReport = _nextFrame = Now;
    }

    public List<Link> Links { get; } = [];
    public BondingController Controller { get; }
    public long Now { get; private set; } = 1_000_000_000;
    public BondingDecision? Last { get; private set; }
    /// <summary>Datagrams the source handed to the links (first transmissions).</summary>
    public long Datagrams { get; private set; }
    /// <summary>Datagrams the receiver got in time, first copies.</summary>
    public long Delivered { get; private set; }
    /// <summary>Datagrams that never arrived within the receiver's buffer.</summary>
    public long Lost { get; private set; }
    /// <summary>Datagrams lost or late once (recovered or not): what the receiver NACKed.</summary>
    public long Nacked { get; private set; }
    public SourceModel Source { get; set; } = SourceModel.Constant;
    /// <summary>Overrides the controller: a source that does not follow the recommendation.</summary>
    public double? FixedBitrateBps { get; set; }
    /// <summary>The receiver's reorder buffer: a packet this much later than the link's base delay is NACKed.</summary>
    public double ReorderBufferMs { get; set; } = 150;
    public double ReceiverBufferMs { get; set; } = 1000;

    public Link Add(string name, double capacityBps, double baseRttMs)
    {
        var link = new Link(name, capacityBps, baseRttMs);
        Links.Add(link);
        Controller.AddLink(name);
        return link;
    }

    /// <summary>The bit rate the source is asked for now.</summary>
    public double Bitrate => FixedBitrateBps ?? Controller.RecommendedBitrateBps;

    /// <summary>Runs 100 ms and one control tick.</summary>
    public BondingDecision Step()
    {
        long end = Now + Tick;
        while (Now < end)
            Advance();
        var observations = Links.Select(l => (l.Name, l.Observation())).ToArray();
        Last = Controller.Update(new BondingInput { NowNanos = Now, DatagramsSent = Datagrams, SourceBitrateBps = Bitrate }, observations);
        foreach (Link link in Links)
            link.Weight = Last.Links.First(d => d.Name == link.Name).Weight;
        return Last;
    }

    public void Run(double seconds, Action<BondingDecision>? each = null)
    {
        for (int i = 0; i < (int)Math.Round(seconds * 1e9 / Tick); i++)
        {
            BondingDecision d = Step();
            each?.Invoke(d);
        }
    }

    /// <summary>The share of the stream the link's weight gives it in librist's round robin.</summary>
    public double Share(Link link)
    {
        double total = Links.Sum(l => (double)l.Weight);
        return total <= 0 ? 0 : link.Weight / total;
    }

    public LinkDecision Decision(string name) => Last!.Links.First(l => l.Name == name);

    void Advance()
    {
        long step = Now + StepNanos;
        Produce(step);
        _pacing.SetSourceRate(Bitrate, Now);
        while (_paced.Count > 0 && _pacing.DueNanos(_paced.Peek(), DatagramBits, Now) <= Now)
        {
            _pacing.Sent(_paced.Dequeue(), DatagramBits, Now);
            Datagrams++;
            NextByRoundRobin().SendData(Now, _nextId++, Now, retransmission: false, _random);
        }
        for (; _nextKeepalive < step; _nextKeepalive += KeepaliveNanos)
        {
            foreach (Link link in Links)
                link.SendKeepalive(_nextKeepalive, _random);
        }
        RetransmitDue();
        foreach (Link link in Links)
        {
            link.Serve(Now, StepNanos);
            link.Deliver(step, ReorderBufferMs, _random, this);
        }
        ExpireMissing();
        for (; _nextReport < step; _nextReport += ReportNanos)
        {
            foreach (Link link in Links)
                link.Report(_nextReport);
        }
        Now = step;
    }

    /// <summary>The link librist gives the next packet: the most credit left in the round; a round is refilled when spent.</summary>
    Link NextByRoundRobin()
    {
        Link? best = null;
        for (int pass = 0; pass < 2 && best is null; pass++)
        {
            foreach (Link link in Links)
            {
                if (link.Weight > 0 && link.Credit > 0 && (best is null || link.Credit > best.Credit))
                    best = link;
            }
            if (best is null)
            {
                foreach (Link link in Links)
                    link.Credit = link.Weight;
            }
        }
        best ??= Links[0];
        best.Credit--;
        return best;
    }

    void IReceiver.Arrived(long id, long firstSentAt, bool retransmission, bool lost, bool late)
    {
        if (!lost && (!retransmission || _missing.Remove(id)))
        {
            Delivered++;
            _asked.Remove(id);
        }
        if (lost && !retransmission)
            _missing[id] = firstSentAt;
        if (lost || (late && !retransmission))
            Nack(id, firstSentAt, again: retransmission);
    }

    /// <summary>The receiver asks for it again over its lowest-RTT link; the retransmission leaves on that link when the NACK arrives.</summary>
    /// <param name="again">A retransmission was lost too: the receiver asks again a round trip after it asked last.</param>
    void Nack(long id, long firstSentAt, bool again)
    {
        int asked = _asked.GetValueOrDefault(id) + 1;
        if (asked > MaxNacks)
            return;
        _asked[id] = asked;
        Nacked++;
        Link? nackLink = Links.Where(l => !l.Blackout && l.Weight > 1).OrderBy(l => l.CurrentRttMs).FirstOrDefault();
        if (nackLink is null)
            return;
        // A gap is NACKed once the reorder buffer has waited for it; again 1.1 round trips later, a round trip being at
        // least the receiver's rtt-min, which ristbond's receivers set to twice the reorder buffer (librist 0.2.11
        // waits half of it before the first NACK: README, "Receiver settings that matter").
        double waitMs = again ? 1.1 * Math.Max(2 * ReorderBufferMs, nackLink.CurrentRttMs) : ReorderBufferMs;
        // librist's receiver sends what is due every 5 ms in one NACK packet, counted with the link's RTCP: scattered
        // losses cost a packet each, a burst one per 5 ms.
        long nackedAt = (again ? Now : firstSentAt) + (long)(waitMs * 1e6);
        if (_nackIntervals.Add(nackedAt / NackIntervalNanos))
            nackLink.ReceivedPackets++;
        if (_nackIntervals.Count > 4096)
            _nackIntervals.RemoveWhere(i => i < (Now - 5 * NanosPerSecond) / NackIntervalNanos);
        long due = Now + (long)((waitMs + nackLink.BaseRttMs / 2) * 1e6);
        _pendingRetransmissions.Add(new Retransmission(due, id, firstSentAt, nackLink));
    }

    void RetransmitDue()
    {
        for (int i = _pendingRetransmissions.Count - 1; i >= 0; i--)
        {
            Retransmission r = _pendingRetransmissions[i];
            if (r.Due > Now)
                continue;
            _pendingRetransmissions.RemoveAt(i);
            r.Link.RetransmittedPackets++;
            r.Link.SendData(Now, r.Id, r.FirstSentAt, retransmission: true, _random);
        }
    }

    /// <summary>What is still missing a receiver buffer after it was first sent is lost for good.</summary>
    void ExpireMissing()
    {
        long limit = Now - (long)(ReceiverBufferMs * 1e6);
        List<long>? expired = null;
        foreach (var (id, sentAt) in _missing)
        {
            if (sentAt < limit)
                (expired ??= []).Add(id);
        }
        if (expired is null)
            return;
        foreach (long id in expired)
        {
            _missing.Remove(id);
            _asked.Remove(id);
        }
        Lost += expired.Count;
    }

    readonly record struct Retransmission(long Due, long Id, long FirstSentAt, Link Link);
}
