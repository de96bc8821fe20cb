using Ristbond.Bonding;
using Ristbond.Platform;

namespace Ristbond.Bonding.Tests;

public sealed partial class SimulatedNetwork
{
    internal interface IReceiver
    {
        void Arrived(long id, long firstSentAt, bool retransmission, bool lost, bool late);
    }

    /// <summary>One simulated path: a bottleneck at <see cref="CapacityBps"/> with a tail-drop buffer, then the base delay.</summary>
    public sealed class Link(string name, double capacityBps, double baseRttMs)
    {
        readonly List<Packet> _inFlight = [];
        readonly List<(long BackAt, long SentAt)> _answers = [];
        readonly List<RttSample> _reports = [];
        double _backlogBits;
        int _eightTimesRtt;
        long _answersSinceReport;
        long _lastRtcp;
        long _reportAt;

        public string Name { get; } = name;
        public double CapacityBps { get; set; } = capacityBps;
        public double BaseRttMs { get; set; } = baseRttMs;
        public double LossUp { get; set; }
        public double LossDown { get; set; }
        public bool Blackout { get; set; }
        /// <summary>Extra one-way delay each way, uniform in [0, this]: a cellular path's jitter (packets may reorder).</summary>
        public double JitterMs { get; set; }
        public double QueueLimitSeconds { get; set; } = 0.25;
        /// <summary>The URL's weight=: 1 by default, 0 asks for a copy of every packet.</summary>
        public double Preference { get; set; } = 1;

        internal uint Weight { get; set; } = 1;
        internal long Credit { get; set; }
        public long SentPackets { get; private set; }
        public long RetransmittedPackets { get; internal set; }
        public long ReceivedPackets { get; internal set; }
        /// <summary>Data bits offered to the link (first sends and retransmissions), for shares and burstiness.</summary>
        public long DataBitsIn { get; private set; }
        public double QueueDelayMs => _backlogBits / Math.Max(1, CapacityBps) * 1000;
        public double CurrentRttMs => BaseRttMs + QueueDelayMs;

        internal void SendData(long now, long id, long firstSentAt, bool retransmission, Random random)
        {
            SentPackets++;
            DataBitsIn += WireBits;
            Enqueue(now, WireBits, new Packet(0, now, firstSentAt, id, Lost: false, IsData: true, retransmission), random);
        }

        internal void SendKeepalive(long now, Random random)
        {
            SentPackets++;
            Enqueue(now, KeepaliveWireBits, new Packet(0, now, now, 0, Lost: false, IsData: false, Retransmission: false), random);
        }

        void Enqueue(long now, int bits, Packet packet, Random random)
        {
            bool isData = packet.IsData;
            double oneWayBase = BaseRttMs / 2;
            bool lost = Blackout || random.NextDouble() < LossUp;
            double queueSeconds = _backlogBits / Math.Max(1, CapacityBps);
            if (!lost && queueSeconds > QueueLimitSeconds)
                lost = true; // tail drop
            if (lost)
            {
                if (isData)
                    _inFlight.Add(packet with { ArriveAt = now + Nanos(oneWayBase), Lost = true });
                return;
            }
            _backlogBits += bits;
            double oneWay = queueSeconds * 1000 + bits / Math.Max(1, CapacityBps) * 1000 + oneWayBase + random.NextDouble() * JitterMs;
            _inFlight.Add(packet with { ArriveAt = now + Nanos(oneWay) });
        }

        internal void Serve(long now, long stepNanos) => _backlogBits = Math.Max(0, _backlogBits - CapacityBps * stepNanos / 1e9);

        /// <summary>
        /// Packets that reached the receiver (or would have) by <paramref name="until"/>: data handed to
        /// <paramref name="receiver"/> (delivered, or lost and NACKed, or late past its reorder buffer and NACKed too),
        /// keepalives answered back over the return path; answers back by then become librist's RTT (an EWMA of 1/8,
        /// whole ms).
        /// </summary>
        internal void Deliver(long until, double reorderMs, Random random, IReceiver receiver)
        {
            for (int i = 0; i < _inFlight.Count; i++)
            {
                Packet p = _inFlight[i];
                if (p.ArriveAt > until)
                    continue;
                _inFlight[i] = _inFlight[^1];
                _inFlight.RemoveAt(_inFlight.Count - 1);
                i--;
                if (!p.IsData)
                {
                    if (!Blackout && random.NextDouble() >= LossDown)
                        _answers.Add((p.ArriveAt + Nanos(BaseRttMs / 2 + random.NextDouble() * JitterMs), p.SentAt));
                    continue;
                }
                double lateMs = (p.ArriveAt - p.SentAt) / 1e6 - BaseRttMs / 2;
                receiver.Arrived(p.Id, p.FirstSentAt, p.Retransmission, lost: p.Lost, late: !p.Lost && lateMs > reorderMs);
            }
            for (int i = 0; i < _answers.Count; i++)
            {
                var (backAt, sentAt) = _answers[i];
                if (backAt > until)
                    continue;
                _answers[i] = _answers[^1];
                _answers.RemoveAt(_answers.Count - 1);
                i--;
                int rtt = (int)Math.Round((backAt - sentAt) / 1e6);
                _eightTimesRtt = _eightTimesRtt == 0 ? rtt * 8 : _eightTimesRtt - _eightTimesRtt / 8 + rtt;
                ReceivedPackets++;
                _answersSinceReport++;
            }
        }

        /// <summary>librist's stats report for the link (every 50 ms): RTT and sign of life if anything came back.</summary>
        internal void Report(long at)
        {
            _reportAt = at;
            if (_answersSinceReport == 0)
                return;
            _answersSinceReport = 0;
            _lastRtcp = at;
            _reports.Add(new RttSample(at, _eightTimesRtt / 8));
        }

        internal LinkObservation Observation()
        {
            RttSample[] samples = [.. _reports];
            _reports.Clear();
            return new LinkObservation
            {
                LastRtcpNanos = _lastRtcp,
                ReportNanos = _reportAt,
                SentPackets = SentPackets,
                RetransmittedPackets = RetransmittedPackets,
                ReceivedPackets = ReceivedPackets,
                RttMs = _eightTimesRtt / 8,
                RttSamples = samples,
                KeepalivesPerSecond = 1e9 / KeepaliveNanos,
                SignalFactor = 1,
                Preference = Preference,
            };
        }

        static long Nanos(double ms) => (long)(ms * 1e6);

        readonly record struct Packet(long ArriveAt, long SentAt, long FirstSentAt, long Id, bool Lost, bool IsData, bool Retransmission);
    }
}
