using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Ristbond.Ingest.Tests.Harness;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest.Tests;

/// <summary>TS from an encoder over UDP or RTP arrives whole and in order; something that is not TS is named as such.</summary>
[Collection(RealtimeCollection.Name)]
public sealed class UdpTsSourceTests : IDisposable
{
    static readonly TimeSpan s_arrival = TimeSpan.FromSeconds(3);

    readonly Socket _encoder = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public void Dispose() => _encoder.Dispose();

    /// <summary>A UDP input on a free port, opened the way the command line opens it, and where an encoder would send to it.</summary>
    static UdpTsSource Open(out string url, out IPEndPoint target, string scheme = "udp")
    {
        int port = Ports.FreeUdp();
        url = $"{scheme}://@127.0.0.1:{port}";
        target = new IPEndPoint(IPAddress.Loopback, port);
        return Assert.IsType<UdpTsSource>(InputFactory.Open(url, loop: false, testBitrateBps: 0, NullLogger.Instance));
    }

    static byte[] Rtp(ushort sequence, byte[] payload, int csrcs = 0)
    {
        byte[] header = new byte[12 + 4 * csrcs];
        header[0] = (byte)(0x80 | csrcs);
        header[1] = 33; // MP2T
        header[2] = (byte)(sequence >> 8);
        header[3] = (byte)sequence;
        return [.. header, .. payload];
    }

    [Fact]
    public void Udp_and_rtp_datagrams_of_any_size_arrive_whole_and_in_order()
    {
        using var source = Open(out string url, out IPEndPoint target);
        var sink = new RecordingSink();
        using var run = new SourceRun(source, sink);
        int next = 0;
        byte[] Take(int count)
        {
            byte[] packets = TsBytes.NumberedRun(next, count);
            next += count;
            return packets;
        }

        _encoder.SendTo(Take(1), target);
        _encoder.SendTo(Take(7), target);
        _encoder.SendTo(Take(10), target);
        _encoder.SendTo(Rtp(1, Take(7)), target);
        _encoder.SendTo(Rtp(2, Take(1)), target);
        _encoder.SendTo(Rtp(3, Take(7), csrcs: 2), target);
        _encoder.SendTo(Take(3), target);
        int sent = next;

        Assert.True(SourceRun.WaitFor(() => sink.InputPackets.Count >= sent, s_arrival), $"{sink.InputPackets.Count} of {sent} packets arrived");
        run.Cancel();
        Assert.True(run.Join(TimeSpan.FromSeconds(1)), "the UDP source did not stop within 1 s of being cancelled");

        Assert.Null(run.Error);
        Assert.All(sink.Datagrams, d => Assert.Equal(TsPacket.DatagramSize, d.Datagram.Length));
        Assert.Equal(Enumerable.Range(0, sent), sink.InputPackets.Select(p => TsBytes.NumberOf(p)));
        Assert.Equal(TsBytes.NumberedRun(0, sent), sink.InputPackets.SelectMany(p => p)); // and byte for byte, RTP headers gone
        Assert.Equal(sent, source.Packets);
        Assert.Equal(sent * TsPacket.Size, source.Bytes);
        Assert.Equal(0, source.SyncErrors);
        Assert.Equal(url, source.Name);
    }

    [Fact]
    public void Rtp_url_takes_rtp_and_plain_udp_alike()
    {
        using var source = Open(out _, out IPEndPoint target, "rtp");
        var sink = new RecordingSink();
        using var run = new SourceRun(source, sink);

        _encoder.SendTo(Rtp(1, TsBytes.NumberedRun(0, 7)), target);
        _encoder.SendTo(TsBytes.NumberedRun(7, 7), target);

        Assert.True(SourceRun.WaitFor(() => sink.InputPackets.Count >= 14, s_arrival));
        Assert.Equal(Enumerable.Range(0, 14), sink.InputPackets.Select(p => TsBytes.NumberOf(p)));
    }

    [Fact]
    public void Sixteen_datagrams_of_something_else_are_not_mpeg_ts()
    {
        using var source = Open(out string url, out IPEndPoint target);
        using var run = new SourceRun(source, new RecordingSink());
        byte[] text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("not a transport stream ", 40)));

        for (int i = 0; i < 16; i++)
            _encoder.SendTo(text, target);

        Assert.True(run.Join(s_arrival), "the UDP source kept running on 16 datagrams that are not TS");
        var error = Assert.IsType<RistbondException>(run.Error);
        Assert.Contains(url, error.Message, StringComparison.Ordinal);
        Assert.Contains("not MPEG-TS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fifteen_bad_datagrams_before_ts_are_only_sync_errors()
    {
        using var source = Open(out _, out IPEndPoint target);
        var sink = new RecordingSink();
        using var run = new SourceRun(source, sink);
        byte[] garbage = new byte[TsPacket.Size];

        for (int i = 0; i < 15; i++)
            _encoder.SendTo(garbage, target);
        _encoder.SendTo(TsBytes.NumberedRun(0, 7), target);

        Assert.True(SourceRun.WaitFor(() => sink.InputPackets.Count >= 7, s_arrival), $"run ended: {run.Error?.Message}");
        Assert.Null(run.Error);
        Assert.Equal(15, source.SyncErrors);
    }

    [Fact]
    public void Garbage_after_ts_has_been_seen_is_counted_not_fatal()
    {
        using var source = Open(out _, out IPEndPoint target);
        var sink = new RecordingSink();
        using var run = new SourceRun(source, sink);
        byte[] garbage = new byte[2 * TsPacket.Size];

        _encoder.SendTo(TsBytes.NumberedRun(0, 7), target);
        for (int i = 0; i < 20; i++)
            _encoder.SendTo(garbage, target);
        _encoder.SendTo(TsBytes.NumberedRun(7, 7), target);

        Assert.True(SourceRun.WaitFor(() => sink.InputPackets.Count >= 14, s_arrival), $"run ended: {run.Error?.Message}");
        Assert.Null(run.Error);
        Assert.Equal(40, source.SyncErrors);
        Assert.Equal(Enumerable.Range(0, 14), sink.InputPackets.Select(p => TsBytes.NumberOf(p)));
    }

    [Fact]
    public void Partial_datagram_is_flushed_when_the_input_goes_quiet()
    {
        using var source = Open(out _, out IPEndPoint target);
        var sink = new RecordingSink();
        using var run = new SourceRun(source, sink);

        _encoder.SendTo(TsBytes.NumberedRun(0, 2), target);

        Assert.True(SourceRun.WaitFor(() => sink.Datagrams.Count >= 1, TimeSpan.FromSeconds(1)), "two packets were held back with the input quiet");
        byte[] datagram = sink.Datagrams[0].Datagram;
        Assert.Equal(TsPacket.DatagramSize, datagram.Length);
        Assert.Equal([0, 1], sink.InputPackets.Select(p => TsBytes.NumberOf(p)));
    }

    [Fact]
    public void Port_already_in_use_is_named()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        string url = $"udp://127.0.0.1:{((IPEndPoint)taken.LocalEndPoint!).Port}";

        var error = Assert.Throws<RistbondException>(() => InputFactory.Open(url, false, 0, NullLogger.Instance).Dispose());

        Assert.Contains(url, error.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.RuntimeFailure, error.ExitCode);
    }
}
