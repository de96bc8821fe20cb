using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest;

/// <summary>
/// TS over UDP (or RTP) from any encoder: unicast or multicast, datagrams holding any whole number of packets.
/// The socket is bound in the constructor so a port in use is reported before streaming starts.
/// </summary>
public sealed class UdpTsSource : TsSource
{
    /// <summary>With no datagram for this long, a partial datagram is sent (padded) rather than held back.</summary>
    const int IdleFlushMs = 20;
    /// <summary>Datagrams without a single TS packet before the input is declared not to be TS at all.</summary>
    const int NotTsThreshold = 16;
    const int ReceiveBufferBytes = 4 << 20;
    const long SyncReportIntervalNanos = 5 * MonotonicClock.NanosPerSecond;

    readonly Socket _socket;
    readonly ILogger _log;
    readonly string _name;

    public UdpTsSource(string name, IPEndPoint bind, string? multicastInterface, ILogger log)
    {
        _name = name;
        _log = log;
        bool multicast = IsMulticast(bind.Address);
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.ReceiveBufferSize = ReceiveBufferBytes;
            // A blocking receive that gives up after a quiet spell: one system call per datagram while data flows
            // (no poll first), and a chance to flush and to see cancellation when it does not.
            _socket.ReceiveTimeout = IdleFlushMs;
            if (multicast)
                _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(multicast ? new IPEndPoint(bind.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, bind.Port) : bind);
            if (multicast)
                JoinGroup(bind.Address, multicastInterface);
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            string why = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? $"port {bind.Port} is already in use" : e.Message;
            throw new RistbondException($"input {name}: cannot listen: {why}", ExitCodes.RuntimeFailure, e);
        }
    }

    public override string Name => _name;

    /// <summary>The port actually bound (useful when 0 was asked for).</summary>
    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public override void Run(IDatagramSink sink, CancellationToken cancellation)
    {
        DatagramFramer framer = CreateFramer(sink);
        byte[] buffer = new byte[65536];
        var from = new SocketAddress(_socket.AddressFamily);
        bool seenTs = false;
        int datagramsWithoutTs = 0;
        var syncReports = new ReportThrottle(SyncReportIntervalNanos);

        while (!cancellation.IsCancellationRequested)
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                framer.Flush(); // only when the input is quiet: the exception is not on the packet path
                continue;
            }
            ReadOnlySpan<byte> datagram = buffer.AsSpan(0, received);
            int rtpHeader = TsSync.RtpHeaderLength(datagram);
            if (rtpHeader > 0)
                datagram = datagram[rtpHeader..^TsSync.RtpPaddingLength(datagram)];
            (int accepted, int rejected) = framer.PushPackets(datagram);
            CountBytes(accepted * TsPacket.Size);

            if (accepted > 0)
                seenTs = true;
            if (rejected == 0)
                continue;
            if (!seenTs && ++datagramsWithoutTs >= NotTsThreshold)
            {
                throw new RistbondException(
                    $"input {_name}: not MPEG-TS: {datagramsWithoutTs} datagrams from {Describe(from)} carried no TS packet " +
                    $"(the last was {received} bytes, first byte 0x{buffer[0]:x2})");
            }
            if (seenTs && syncReports.ShouldReport(MonotonicClock.NowNanos, out _))
            {
                _log.LogWarning("input {Input}: lost TS sync: dropped {Rejected} packet(s) of a {Size}-byte datagram from {Sender} ({Total} so far)",
                    _name, rejected, received, Describe(from), SyncErrors);
            }
        }
        framer.Flush();
    }

    void JoinGroup(IPAddress group, string? interfaceName)
    {
        int index = 0;
        if (interfaceName is not null)
        {
            var nic = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == interfaceName)
                ?? throw new RistbondException($"input {_name}: no network interface named '{interfaceName}'");
            index = group.AddressFamily == AddressFamily.InterNetworkV6
                ? nic.GetIPProperties().GetIPv6Properties().Index
                : nic.GetIPProperties().GetIPv4Properties().Index;
        }
        if (group.AddressFamily == AddressFamily.InterNetworkV6)
            _socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group, index));
        else
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, index));
    }

    static bool IsMulticast(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6
            ? address.IsIPv6Multicast
            : (address.GetAddressBytes()[0] & 0xF0) == 0xE0;

    static string Describe(SocketAddress address)
    {
        var endpoint = new IPEndPoint(address.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        return endpoint.Create(address).ToString() ?? "?";
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _socket.Dispose();
    }
}
