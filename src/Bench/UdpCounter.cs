using System.Net;
using System.Net.Sockets;

namespace Ristbond.Bench;

/// <summary>A UDP port that counts and drops what arrives: the output of a receiver under test.</summary>
public sealed class UdpCounter : IDisposable
{
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
    readonly Thread _thread;
    long _datagrams;
    long _bytes;

    public UdpCounter()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _thread = new Thread(Drain) { IsBackground = true, Name = "bench-count" };
        _thread.Start();
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;
    public long Datagrams => Interlocked.Read(ref _datagrams);
    public long Bytes => Interlocked.Read(ref _bytes);

    void Drain()
    {
        byte[] buffer = new byte[65536];
        try
        {
            while (true)
            {
                int length = _socket.Receive(buffer);
                Interlocked.Increment(ref _datagrams);
                Interlocked.Add(ref _bytes, length);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>A free UDP port on loopback (closed again: the caller binds it).</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public void Dispose() => _socket.Dispose();
}
