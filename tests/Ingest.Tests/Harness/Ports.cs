using System.Net;
using System.Net.Sockets;

namespace Ristbond.Ingest.Tests.Harness;

public static class Ports
{
    /// <summary>A UDP port nothing is bound to right now (the kernel's choice, released again).</summary>
    public static int FreeUdp()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
