using Ristbond.Bonding;

namespace Ristbond.Bonding.Tests;

/// <summary>
/// Links as the controller sees them through librist, simulated in 100 ms steps: each link has a capacity, a
/// queue with tail drop, a base RTT, loss each way and blackouts. Packets lost anywhere are retransmitted on the
/// lowest-RTT live link (where a librist receiver sends its NACKs); the receiver answers every keepalive on the
/// link it came from. Answers come back a round trip after their keepalive left, and the RTT reported is that of the
/// latest answer, as librist's is: a queue shows late, and answers thin out while it builds and bunch while it
/// drains. The stream follows the controller's recommended bitrate, as testsrc does.
/// </summary>
public sealed class SimulatedNetwork
{
    public const long Tick = 100_000_000;
    const double DatagramBits = 1316 * 8;

    public sealed class Link(string name, double capacityBps, double baseRttMs)
    {
        public string Name { get; } = name;
        public double CapacityBps { get; set; } = capacityBps;
        public double BaseRttMs { get; set; } = baseRttMs;
        public double LossUp { get; set; }
        public double LossDown { get; set; }
        public bool Blackout { get; set; }
        public double QueueLimitSeconds { get; set; } = 0.25;
        public double QueueBits;
        /// <summary>Keepalives answered but not back yet: sent over [From, To] (shifted by their RTT), Count of them.</summary>
        public readonly List<(double From, double To, double Count, double RttMs)> InFlight = [];
        public double Answered;
        public long Nacks;
        public double ReportedRttMs = baseRttMs;
        public LinkObservation Counters = new() { KeepalivesPerSecond = 100, SignalFactor = 1, Preference = 1 };
        public double RttMs => BaseRttMs + QueueBits / CapacityBps * 1000;
    }

    readonly Random _random;
    public List<Link> Links { get; } = [];
    public BondingController Controller { get; }
    public long Now { get; private set; } = 1_000_000_000;
    public long Datagrams { get; private set; }
    public long Delivered { get; private set; }
    public long Lost { get; private set; }
    public BondingDecision? Last { get; private set; }
    public double Keepalives { get; set; } = 100;
    /// <summary>
    /// Ticks between a loss and its retransmission: the receiver waits out its reorder buffer, then its NACK
    /// travels back. A link that blacks out is declared dead before the retransmissions of what it lost are sent.
    /// </summary>
    public int RetransmitDelayTicks { get; set; } = 3;
    readonly Queue<long> _pendingRetransmissions = new();
    /// <summary>Overrides the controller: a source that does not follow the recommendation.</summary>
    public double? FixedBitrateBps { get; set; }

    public SimulatedNetwork(BondingOptions options, double startBitrateBps, int seed = 1)
    {
        Controller = new BondingController(options, startBitrateBps);
        _random = new Random(seed);
    }

    public Link Add(string name, double capacityBps, double baseRttMs)
    {
        var link = new Link(name, capacityBps, baseRttMs);
        Links.Add(link);
        Controller.AddLink(name);
        return link;
    }

    public double Bitrate => FixedBitrateBps ?? Controller.RecommendedBitrateBps;

    public BondingDecision Step()
    {
        double seconds = Tick / 1e9;
        double offered = Bitrate * seconds / DatagramBits;
        Datagrams += (long)Math.Round(offered);
        Link? nackLink = Links.Where(l => !l.Blackout).OrderBy(l => l.RttMs).FirstOrDefault();
        long lostThisTick = 0;
        foreach (Link link in Links)
        {
            double share = Share(link);
            double packets = offered * share;
            double sentBits = packets * DatagramBits;
            double rttBefore = link.RttMs / 1000;
            // Random loss before the queue (as netem does), tail drop when the queue is full.
            double lostRandom = link.Blackout ? packets : Binomial(packets, link.LossUp);
            double queued = link.QueueBits + (packets - lostRandom) * DatagramBits - link.CapacityBps * seconds;
            double limit = link.CapacityBps * link.QueueLimitSeconds;
            double tail = Math.Max(0, queued - limit) / DatagramBits;
            link.QueueBits = Math.Clamp(queued, 0, limit);
            lostThisTick += (long)Math.Round(lostRandom + tail);
            Delivered += (long)Math.Round(packets - lostRandom - tail);

            double keepalives = Keepalives * seconds;
            double answerable = link.Blackout ? 0 : Binomial(keepalives, 1 - (1 - link.LossUp) * (1 - link.LossDown), invert: true);
            // The first keepalive of the tick met the queue as it was, the last as it is now.
            link.InFlight.Add((Now / 1e9 + rttBefore, (Now + Tick) / 1e9 + link.RttMs / 1000, answerable, link.RttMs));
            double arrived = Arrivals(link, Now / 1e9, (Now + Tick) / 1e9);
            link.Answered += arrived;
            link.Counters = link.Counters with
            {
                SentPackets = link.Counters.SentPackets + (long)Math.Round(packets + keepalives),
                ReceivedPackets = (long)link.Answered + link.Nacks,
                RttMs = Math.Round(link.ReportedRttMs),
                LastRtcpNanos = arrived >= 1 ? Now : link.Counters.LastRtcpNanos,
                ReportNanos = Now,
                KeepalivesPerSecond = Keepalives,
            };
            _ = sentBits;
        }
        Lost += lostThisTick;
        _pendingRetransmissions.Enqueue(lostThisTick);
        long retransmitNow = _pendingRetransmissions.Count > RetransmitDelayTicks ? _pendingRetransmissions.Dequeue() : 0;
        if (nackLink is not null && retransmitNow > 0)
        {
            nackLink.Counters = nackLink.Counters with
            {
                RetransmittedPackets = nackLink.Counters.RetransmittedPackets + retransmitNow,
                ReceivedPackets = nackLink.Counters.ReceivedPackets + retransmitNow, // the NACKs
            };
            nackLink.Nacks += retransmitNow;
        }
        Now += Tick;
        var observations = Links.Select(l => (l.Name, l.Counters)).ToArray();
        Last = Controller.Update(new BondingInput { NowNanos = Now, DatagramsSent = Datagrams, SourceBitrateBps = Bitrate }, observations);
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

    /// <summary>Answers arriving over [from, to] (seconds), spread evenly over each batch's span; sets the RTT reported.</summary>
    static double Arrivals(Link link, double from, double to)
    {
        double arrived = 0;
        for (int i = 0; i < link.InFlight.Count; i++)
        {
            var batch = link.InFlight[i];
            double overlap = Math.Min(to, batch.To) - Math.Max(from, batch.From);
            if (overlap > 0)
            {
                arrived += batch.Count * overlap / (batch.To - batch.From);
                link.ReportedRttMs = batch.RttMs;
            }
        }
        link.InFlight.RemoveAll(b => b.To <= to);
        return arrived;
    }

    /// <summary>The share of packets the link gets from librist's weighted round robin with the current weights.</summary>
    public double Share(Link link)
    {
        double total = Links.Sum(l => (double)Controller.Links.First(t => t.Name == l.Name).Share);
        LinkTracker tracker = Controller.Links.First(t => t.Name == link.Name);
        return tracker.Share <= 0 || total <= 0 ? 0 : tracker.Share / total;
    }

    public LinkDecision Decision(string name) => Last!.Links.First(l => l.Name == name);

    double Binomial(double n, double p, bool invert = false)
    {
        // Deterministic for the seed: sample each whole packet, expectation for the fraction.
        int whole = (int)n;
        int hits = 0;
        for (int i = 0; i < whole; i++)
        {
            if (_random.NextDouble() < p)
                hits++;
        }
        double value = hits + (n - whole) * p;
        return invert ? n - value : value;
    }
}
