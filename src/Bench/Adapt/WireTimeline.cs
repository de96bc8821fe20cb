using Ristbond.LinkEmulator;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// What one side put on the wire and got delivered, sampled every <see cref="AdaptSide.IntervalNanos"/>: each
/// emulated link's up counters (everything the sender offered the link, counted before the link's loss, queue or
/// blackout) and the TS bytes its receiver delivered. The same measurement for ristbond and the baseline, which
/// has no stats of its own.
///
/// Shares are of data packets, not bytes: at a low bitrate ristbond's 100 keepalives a second per link are a
/// few percent of a link's bytes, which would hide a link taken out of rotation. The emulator counts packets and
/// bytes, so data packets (<see cref="DataDatagramBytes"/>) are told from keepalives and RTCP
/// (<see cref="SmallPacketBytes"/>) by solving bytes = 1336·data + 76·small, packets = data + small; a small
/// packet of 52–96 bytes instead of 76 moves the estimate by less than 0.02 data packets.
/// </summary>
public sealed class WireTimeline
{
    readonly List<double> _times = [];
    readonly List<long> _delivered = [];
    /// <summary>UDP payload of a RIST Main-profile datagram of 7×188 TS bytes (RTP 12 + GRE 8), measured.</summary>
    public const int DataDatagramBytes = 1336;
    /// <summary>UDP payload of librist 0.2.7's keepalive, the small packet a sender sends most (RTCP is 52–56).</summary>
    public const int SmallPacketBytes = 76;

    readonly List<long>[] _bytesIn;
    readonly List<long>[] _packetsIn;
    readonly List<long>[] _dataPackets;
    readonly List<long>[] _forwarded;
    readonly List<long>[] _dropped;

    public WireTimeline(IReadOnlyList<string> linkNames)
    {
        LinkNames = linkNames;
        _bytesIn = [.. linkNames.Select(_ => new List<long>())];
        _packetsIn = [.. linkNames.Select(_ => new List<long>())];
        _dataPackets = [.. linkNames.Select(_ => new List<long>())];
        _forwarded = [.. linkNames.Select(_ => new List<long>())];
        _dropped = [.. linkNames.Select(_ => new List<long>())];
    }

    public IReadOnlyList<string> LinkNames { get; }
    public IReadOnlyList<double> Times => _times;
    public IReadOnlyList<long> Delivered => _delivered;
    public int Count => _times.Count;

    /// <summary>Bytes (UDP payload) the sender offered each link, cumulative.</summary>
    public IReadOnlyList<IReadOnlyList<long>> BytesIn => _bytesIn;
    public IReadOnlyList<IReadOnlyList<long>> PacketsIn => _packetsIn;
    /// <summary>Data packets (datagrams of TS, first sends and retransmissions) the sender offered each link, estimated, cumulative.</summary>
    public IReadOnlyList<IReadOnlyList<long>> DataPackets => _dataPackets;
    public IReadOnlyList<IReadOnlyList<long>> Forwarded => _forwarded;
    /// <summary>Packets each link dropped (loss, queue, blackout, emulator), cumulative.</summary>
    public IReadOnlyList<IReadOnlyList<long>> Dropped => _dropped;

    public long DroppedOther { get; private set; }

    public void Add(double t, long deliveredBytes, IReadOnlyList<LinkCounters> links)
    {
        _times.Add(t);
        _delivered.Add(deliveredBytes);
        for (int i = 0; i < _bytesIn.Length; i++)
        {
            LinkCounters c = links[i];
            _bytesIn[i].Add(c.BytesIn);
            _packetsIn[i].Add(c.PacketsIn);
            _dataPackets[i].Add(EstimateDataPackets(c.BytesIn, c.PacketsIn));
            _forwarded[i].Add(c.BytesForwarded);
            _dropped[i].Add(c.PacketsLost + c.PacketsDroppedQueue + c.PacketsDroppedBlackout + c.PacketsDroppedOther);
        }
        DroppedOther = links.Sum(l => l.PacketsDroppedOther);
    }

    /// <summary>Data packets among <paramref name="packets"/> of <paramref name="bytes"/> in all, the rest being small ones.</summary>
    public static long EstimateDataPackets(long bytes, long packets) =>
        Math.Clamp((long)Math.Round((bytes - (double)SmallPacketBytes * packets) / (DataDatagramBytes - SmallPacketBytes)), 0, packets);

    public int IndexOf(string link) => LinkNames.ToList().IndexOf(link);

    /// <summary>A link's share of the data packets the sender offered all links, over windows of <paramref name="windowSeconds"/>.</summary>
    public List<TimePoint> Share(string link, double windowSeconds) =>
        AdaptMetrics.WindowedShare(_times, _dataPackets, IndexOf(link), windowSeconds);

    /// <summary>TS bits/s delivered, over windows, moved back by <paramref name="latencySeconds"/> to line up with send time.</summary>
    public List<TimePoint> DeliveredBps(double windowSeconds, double latencySeconds) =>
        [.. AdaptMetrics.WindowedRate(_times, _delivered, windowSeconds, 8).Select(p => p with { T = p.T - latencySeconds })];

    /// <summary>Mean TS bits/s delivered between two send times (delivery times minus the latency); null if not covered.</summary>
    public double? DeliveredBps(double from, double to, double latencySeconds) =>
        AdaptMetrics.AverageRate([.. _times.Select((t, i) => new TimePoint(t - latencySeconds, _delivered[i] * 8.0))], from, to);
}
