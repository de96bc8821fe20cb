using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest.Tests.Harness;

/// <summary>Keeps every datagram a source sends with the monotonic time it arrived; safe to read while the source runs.</summary>
public sealed class RecordingSink : IDatagramSink
{
    readonly Lock _lock = new();
    readonly List<(long Nanos, byte[] Datagram)> _datagrams = [];

    public void Send(ReadOnlySpan<byte> datagram)
    {
        long now = MonotonicClock.NowNanos;
        byte[] copy = datagram.ToArray();
        lock (_lock)
            _datagrams.Add((now, copy));
    }

    public List<(long Nanos, byte[] Datagram)> Datagrams
    {
        get
        {
            lock (_lock)
                return [.. _datagrams];
        }
    }

    /// <summary>Every packet received, in order, including any null packets the framer padded with.</summary>
    public List<byte[]> Packets => [.. Datagrams.SelectMany(d => TsBytes.Split(d.Datagram))];

    /// <summary>The packets received that came from the input: everything but the framer's null-packet padding.</summary>
    public List<byte[]> InputPackets => [.. Packets.Where(p => TsPacket.Pid(p) != TsPacket.NullPid)];
}
