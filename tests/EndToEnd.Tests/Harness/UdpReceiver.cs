using System.Net;
using System.Net.Sockets;
using Ristbond.Platform;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>A loopback UDP port read on its own thread; each datagram is handed over with its arrival time.</summary>
public sealed class UdpReceiver : IDisposable
{
    public delegate void DatagramHandler(ReadOnlySpan<byte> datagram, long arrivalNanos);

    readonly Socket _socket;
    readonly Thread _thread;
    readonly DatagramHandler _handler;
    volatile bool _stopping;

    /// <param name="port">0: any free port (see <see cref="Port"/>).</param>
    public UdpReceiver(int port, string threadName, DatagramHandler handler)
    {
        _handler = handler;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _thread = new Thread(Receive) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    public int Port { get; }

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
            _handler(buffer.AsSpan(0, length), MonotonicClock.NowNanos);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(1000);
        _socket.Dispose();
    }
}
