using System.Net;
using Ristbond.Platform;

namespace Ristbond.Rist;

/// <summary>
/// One link of the bonded sender: a librist caller peer to the receiver, usually over one modem. Its stats are
/// written by librist's sender thread (through <see cref="RistSender"/>'s callback) and read by anyone, lock-free:
/// a sequence number around each write lets a reader detect and retry a torn read.
/// </summary>
public sealed class RistLink
{
    /// <summary>Reports with an RTT the ring keeps: 16 × librist's 50 ms interval, far more than a control tick reads.</summary>
    const int RttRingSize = 16;

    int _sequence;
    LinkStats _stats;
    readonly long[] _rttTimes = new long[RttRingSize];
    readonly double[] _rttValues = new double[RttRingSize];
    long _rttWritten;
    uint _weight;
    int _established;

    internal RistLink(string name, RistUrl url, IPEndPoint receiver, uint peerId, RistPeerHandle peer, uint weight, int keepaliveIntervalMs)
    {
        KeepaliveIntervalMs = keepaliveIntervalMs;
        Name = name;
        Url = url;
        Receiver = receiver;
        PeerId = peerId;
        Peer = peer;
        _weight = weight;
        AddedNanos = Platform.MonotonicClock.NowNanos;
    }

    public string Name { get; }
    public RistUrl Url { get; }
    /// <summary>The receiver address the link sends to (the URL's host resolved once, when the link was added).</summary>
    public IPEndPoint Receiver { get; }
    public long AddedNanos { get; }
    /// <summary>How often librist sends a keepalive on this link, which the receiver answers.</summary>
    public int KeepaliveIntervalMs { get; }

    /// <summary>The weight last handed to librist (packets per round of its weighted round robin).</summary>
    public uint Weight => Volatile.Read(ref _weight);

    /// <summary>True once the receiver has answered on this link (librist's ESTABLISHED). It is not cleared on silence: use the stats.</summary>
    public bool EverEstablished => Volatile.Read(ref _established) != 0;

    /// <summary>librist's id for the peer, as it appears in stats reports.</summary>
    internal uint PeerId { get; }
    internal RistPeerHandle Peer { get; }

    /// <summary>A consistent copy of the stats so far.</summary>
    public LinkStats ReadStats()
    {
        while (true)
        {
            int before = Volatile.Read(ref _sequence);
            LinkStats copy = _stats;
            Interlocked.MemoryBarrier();
            if ((before & 1) == 0 && Volatile.Read(ref _sequence) == before)
                return copy;
            Thread.SpinWait(1);
        }
    }

    /// <summary>
    /// Copies the RTT readings reported after <paramref name="afterNanos"/> (oldest first) into <paramref name="into"/>:
    /// every report's, not only the latest, so a control tick slower than librist's stats sees the queue's course.
    /// Returns how many were copied. Any thread.
    /// </summary>
    public int CopyRttSamples(long afterNanos, Span<RttSample> into)
    {
        long written = Volatile.Read(ref _rttWritten);
        long first = Math.Max(0, written - Math.Min(RttRingSize - 2, into.Length));
        int count = 0;
        for (long i = first; i < written; i++)
        {
            int slot = (int)(i % RttRingSize);
            long at = Volatile.Read(ref _rttTimes[slot]);
            if (at > afterNanos)
                into[count++] = new RttSample(at, _rttValues[slot]);
        }
        return count;
    }

    internal void SetWeight(uint weight) => Volatile.Write(ref _weight, weight);

    internal void MarkEstablished() => Volatile.Write(ref _established, 1);

    /// <summary>Adds one librist report (per-interval deltas). Called only from librist's sender thread.</summary>
    internal void AddReport(in Interop.Rist.rist_stats_sender_peer report, long nowNanos)
    {
        Interlocked.Increment(ref _sequence);
        LinkStats s = _stats;
        _stats = s with
        {
            Reports = s.Reports + 1,
            LastReportNanos = nowNanos,
            SentPackets = s.SentPackets + (long)report.sent,
            RetransmittedPackets = s.RetransmittedPackets + (long)report.retransmitted,
            ReceivedPackets = s.ReceivedPackets + (long)report.received,
            LastRtcpNanos = report.received > 0 ? nowNanos : s.LastRtcpNanos,
            RttMs = report.received > 0 ? report.rtt : s.RttMs,
            SendRateBps = (long)report.bandwidth,
            Quality = report.quality,
        };
        Interlocked.Increment(ref _sequence);
        if (report.received > 0 && report.rtt > 0)
        {
            int slot = (int)(_rttWritten % RttRingSize);
            _rttValues[slot] = report.rtt;
            Volatile.Write(ref _rttTimes[slot], nowNanos);
            Volatile.Write(ref _rttWritten, _rttWritten + 1);
        }
    }

    public override string ToString() => Name;
}
