using System.Net;
using System.Net.Sockets;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>Receives what the receiver delivers on a UDP port and checks it packet by packet as the test stream.</summary>
public sealed class TsCapture : IDisposable
{
    readonly Socket _socket;
    readonly Thread _thread;
    readonly TestPatternVerifier _verifier = new();
    readonly Lock _lock = new();
    readonly List<(long Nanos, long DataPackets)> _timeline = [];
    volatile bool _stopping;
    long _datagrams;

    public TsCapture(int port)
    {
        Port = port;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _thread = new Thread(Receive) { IsBackground = true, Name = "capture" };
        _thread.Start();
    }

    public int Port { get; }
    public long Datagrams => Interlocked.Read(ref _datagrams);

    /// <summary>A copy of the verifier's findings so far, under the capture's lock.</summary>
    public T Read<T>(Func<TestPatternVerifier, T> read)
    {
        lock (_lock)
            return read(_verifier);
    }

    /// <summary>Data packets delivered up to each received datagram's time: where the stream stalled, if anywhere.</summary>
    public IReadOnlyList<(long Nanos, long DataPackets)> Timeline
    {
        get
        {
            lock (_lock)
                return [.. _timeline];
        }
    }

    public string Summary() => Read(v => v.ToString());

    void Receive()
    {
        byte[] buffer = new byte[65536];
        while (!_stopping)
        {
            if (!_socket.Poll(50_000, SelectMode.SelectRead))
                continue;
            int length;
            try
            {
                length = _socket.Receive(buffer);
            }
            catch (SocketException)
            {
                return;
            }
            long now = MonotonicClock.NowNanos;
            lock (_lock)
            {
                _verifier.Push(buffer.AsSpan(0, length), now);
                _timeline.Add((now, _verifier.DataPackets));
            }
            Interlocked.Increment(ref _datagrams);
        }
    }

    /// <summary>The longest time between two consecutive deliveries, within a window of the capture.</summary>
    public TimeSpan LongestSilence(long fromNanos, long toNanos)
    {
        long longest = 0;
        long previous = -1;
        foreach (var (nanos, _) in Timeline)
        {
            if (nanos < fromNanos || nanos > toNanos)
                continue;
            if (previous >= 0)
                longest = Math.Max(longest, nanos - previous);
            previous = nanos;
        }
        return TimeSpan.FromTicks(longest / 100);
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(1000);
        _socket.Dispose();
    }
}
