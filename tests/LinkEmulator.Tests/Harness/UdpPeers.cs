using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator.Tests.Harness;

/// <summary>
/// Probe datagram layout: [0] sequence number, [8] client send time, [16] target receive time, [24] target send
/// time (monotonic ns, little endian); the rest is padding. Client and target run in the test process, so all
/// four times are on one clock and one-way delays are exact.
/// </summary>
internal static class Probe
{
    public const int HeaderBytes = 32;

    public static long Seq(ReadOnlySpan<byte> d) => BinaryPrimitives.ReadInt64LittleEndian(d);
    public static long ClientSend(ReadOnlySpan<byte> d) => BinaryPrimitives.ReadInt64LittleEndian(d[8..]);
    public static long TargetReceive(ReadOnlySpan<byte> d) => BinaryPrimitives.ReadInt64LittleEndian(d[16..]);
    public static long TargetSend(ReadOnlySpan<byte> d) => BinaryPrimitives.ReadInt64LittleEndian(d[24..]);

    public static Socket OpenSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = 4 << 20,
            SendBufferSize = 4 << 20,
        };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}

/// <summary>Arrivals recorded by sequence number and in arrival order; preallocated, written by one thread.</summary>
internal sealed class ArrivalLog(int capacity)
{
    public readonly long[] ArrivalNanos = new long[capacity];
    public readonly long[] PeerSendNanos = new long[capacity];
    public readonly long[] UpArrivalNanos = new long[capacity];
    public readonly long[] Order = new long[capacity];
    int _count;

    public int Count => Volatile.Read(ref _count);

    public bool Arrived(long seq) => ArrivalNanos[seq] != 0;

    public void Record(long seq, long arrival, long peerSend, long upArrival)
    {
        if ((ulong)seq >= (ulong)ArrivalNanos.Length || _count >= Order.Length)
            return;
        ArrivalNanos[seq] = arrival;
        PeerSendNanos[seq] = peerSend;
        UpArrivalNanos[seq] = upArrival;
        Order[_count] = seq;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Arrival times in arrival order, for rate windows.</summary>
    public long[] ArrivalTimesInOrder() => [.. Order.Take(Count).Select(s => ArrivalNanos[s])];

    /// <summary>Waits until no packet has arrived for <paramref name="quiet"/> (the relay has drained).</summary>
    public void WaitQuiet(TimeSpan quiet, TimeSpan max)
    {
        long deadline = MonotonicClock.NowNanos + (long)(max.TotalMilliseconds * 1e6);
        int last = -1;
        while (MonotonicClock.NowNanos < deadline)
        {
            int now = Count;
            if (now == last)
                return;
            last = now;
            Thread.Sleep(quiet);
        }
    }
}

/// <summary>The far end of a link: records every probe it receives and, if asked, echoes it back stamped.</summary>
internal sealed class EchoTarget : IDisposable
{
    readonly Socket _socket = Probe.OpenSocket();
    readonly Thread _thread;
    volatile bool _stopping;

    public EchoTarget(int capacity, bool echo)
    {
        Log = new ArrivalLog(capacity);
        Echo = echo;
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _thread = new Thread(Loop) { IsBackground = true, Name = "test target" };
        _thread.Start();
    }

    public IPEndPoint EndPoint { get; }
    public ArrivalLog Log { get; }
    public bool Echo { get; set; }

    void Loop()
    {
        byte[] buffer = new byte[65536];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stopping)
        {
            int n;
            try
            {
                n = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (Exception) when (_stopping)
            {
                return;
            }
            long now = MonotonicClock.NowNanos;
            Log.Record(Probe.Seq(buffer), now, Probe.ClientSend(buffer), now);
            if (!Echo)
                continue;
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(16), now);
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(24), MonotonicClock.NowNanos);
            _socket.SendTo(buffer.AsSpan(0, n), SocketFlags.None, from);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        _thread.Join();
    }
}

/// <summary>The sender side: paced probes out, echoes in (recorded with the target's times from the payload).</summary>
internal sealed class ProbeClient : IDisposable
{
    readonly Socket _socket = Probe.OpenSocket();
    readonly Thread _thread;
    readonly byte[] _sendBuffer = new byte[65536];
    volatile bool _stopping;

    public ProbeClient(int capacity)
    {
        Echoes = new ArrivalLog(capacity);
        SentNanos = new long[capacity];
        _thread = new Thread(Loop) { IsBackground = true, Name = "test client" };
        _thread.Start();
    }

    public ArrivalLog Echoes { get; }
    public long[] SentNanos { get; }

    /// <summary>
    /// Sends probes <paramref name="firstSeq"/>.. at <paramref name="packetsPerSecond"/> on an absolute schedule
    /// (a late wake-up sends the backlog at once, so the average rate holds). <paramref name="beforeEach"/> runs
    /// before each send with the packet's index in this call.
    /// </summary>
    public void SendPaced(IPEndPoint to, long firstSeq, int count, int size, double packetsPerSecond, Action<int>? beforeEach = null)
    {
        SocketAddress address = to.Serialize();
        long start = MonotonicClock.NowNanos;
        double intervalNanos = 1e9 / packetsPerSecond;
        for (int i = 0; i < count; i++)
        {
            long due = start + (long)(i * intervalNanos);
            if (MonotonicClock.NowNanos < due)
                MonotonicClock.SleepUntil(due);
            beforeEach?.Invoke(i);
            long seq = firstSeq + i;
            long now = MonotonicClock.NowNanos;
            BinaryPrimitives.WriteInt64LittleEndian(_sendBuffer, seq);
            BinaryPrimitives.WriteInt64LittleEndian(_sendBuffer.AsSpan(8), now);
            SentNanos[seq] = now;
            _socket.SendTo(_sendBuffer.AsSpan(0, size), SocketFlags.None, address);
        }
    }

    void Loop()
    {
        byte[] buffer = new byte[65536];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stopping)
        {
            try
            {
                _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (Exception) when (_stopping)
            {
                return;
            }
            Echoes.Record(Probe.Seq(buffer), MonotonicClock.NowNanos, Probe.TargetSend(buffer), Probe.TargetReceive(buffer));
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        _thread.Join();
    }
}
