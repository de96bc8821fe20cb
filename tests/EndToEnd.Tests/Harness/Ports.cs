using System.Net;
using System.Net.Sockets;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>Free UDP ports on loopback, handed out once per test run so parallel tests never share one.</summary>
public static class Ports
{
    static readonly HashSet<int> s_given = [];

    public static int FreeUdp()
    {
        lock (s_given)
        {
            while (true)
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                int port = ((IPEndPoint)probe.LocalEndPoint!).Port;
                // librist receivers also use port+1 for RTCP in some modes: keep pairs apart.
                if (s_given.Add(port) && !s_given.Contains(port + 1) && !s_given.Contains(port - 1))
                    return port;
            }
        }
    }
}
