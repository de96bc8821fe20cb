using System.Net;
using System.Net.Sockets;
using Ristbond.Platform;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>Keeps what a receiver delivers to a UDP port as it came, with arrival times: for ffmpeg and for rates.</summary>
public sealed class UdpRecorder : IDisposable
{
    readonly Socket _socket;
    readonly Thread _thread;
    readonly Lock _lock = new();
    readonly List<(long Nanos, byte[] Datagram)> _datagrams = [];
    volatile bool _stopping;

    public UdpRecorder()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _thread = new Thread(Receive) { IsBackground = true, Name = "udp recorder" };
        _thread.Start();
    }

    public int Port { get; }

    public List<(long Nanos, byte[] Datagram)> Datagrams
    {
        get
        {
            lock (_lock)
                return [.. _datagrams];
        }
    }

    /// <summary>Bits per second of UDP payload that arrived in [from, to).</summary>
    public double RateBps(long fromNanos, long toNanos) =>
        Datagrams.Where(d => d.Nanos >= fromNanos && d.Nanos < toNanos).Sum(d => (long)d.Datagram.Length) * 8e9 / (toNanos - fromNanos);

    public void WriteTo(string path) => File.WriteAllBytes(path, [.. Datagrams.SelectMany(d => d.Datagram)]);

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
                _datagrams.Add((now, buffer.AsSpan(0, length).ToArray()));
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(1000);
        _socket.Dispose();
    }
}
