using Ristbond.MpegTs.Tests.Harness;

namespace Ristbond.MpegTs.Tests;

/// <summary>Whatever grouping packets arrive in, RIST gets 1316-byte datagrams with every good packet once, in order.</summary>
public sealed class DatagramFramerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(14)]
    public void Any_grouping_becomes_whole_datagrams_in_order(int packetsPerPush)
    {
        var sink = new ListSink();
        var framer = new DatagramFramer(sink);

        // Seven pushes of n packets are exactly n datagrams, so nothing is left over to hide a loss.
        for (int push = 0; push < TsPacket.PacketsPerDatagram; push++)
        {
            var (accepted, rejected) = framer.PushPackets(Packets.NumberedRun(push * packetsPerPush, packetsPerPush));
            Assert.Equal((packetsPerPush, 0), (accepted, rejected));
        }

        Assert.All(sink.Datagrams, d => Assert.Equal(TsPacket.DatagramSize, d.Length));
        Assert.Equal(packetsPerPush, sink.Datagrams.Count);
        Assert.Equal(Enumerable.Range(0, 7 * packetsPerPush), sink.Packets.Select(p => Packets.NumberOf(p)));
        Assert.Equal(Packets.NumberedRun(0, 7 * packetsPerPush), sink.Datagrams.SelectMany(d => d));
        Assert.Equal(7 * packetsPerPush, framer.Packets);
        Assert.Equal(packetsPerPush, framer.Datagrams);
        Assert.Equal(0, framer.SyncErrors);
        Assert.Equal(0, framer.PendingPackets);
    }

    [Fact]
    public void Mixed_groupings_stay_in_order_across_datagram_boundaries()
    {
        var sink = new ListSink();
        var framer = new DatagramFramer(sink);
        int next = 0;
        foreach (int count in new[] { 1, 3, 7, 10, 14, 2, 5, 3 }) // 45 packets: 6 datagrams and 3 pending
        {
            framer.PushPackets(Packets.NumberedRun(next, count));
            next += count;
        }

        Assert.Equal(6, sink.Datagrams.Count);
        Assert.Equal(3, framer.PendingPackets);
        Assert.Equal(Enumerable.Range(0, 42), sink.Packets.Select(p => Packets.NumberOf(p)));
        Assert.Equal(45, framer.Packets);
    }

    [Fact]
    public void Packet_with_a_bad_sync_byte_is_dropped_alone_and_counted()
    {
        var sink = new ListSink();
        var framer = new DatagramFramer(sink);
        byte[] datagram = Packets.NumberedRun(0, 7);
        datagram[2 * TsPacket.Size] = 0x48; // slot 2 (the third packet) lost its sync byte

        var (accepted, rejected) = framer.PushPackets(datagram);
        framer.PushPackets(Packets.NumberedRun(7, 1)); // completes the datagram

        Assert.Equal((6, 1), (accepted, rejected));
        Assert.Equal(1, framer.SyncErrors);
        Assert.Equal(7, framer.Packets);
        Assert.Single(sink.Datagrams);
        Assert.Equal([0, 1, 3, 4, 5, 6, 7], sink.Packets.Select(p => Packets.NumberOf(p)));
    }

    [Fact]
    public void Trailing_partial_packet_counts_as_one_sync_error()
    {
        var framer = new DatagramFramer(new ListSink());
        byte[] data = [.. Packets.NumberedRun(0, 2), .. Packets.Numbered(2).AsSpan(0, 100)];

        var (accepted, rejected) = framer.PushPackets(data);

        Assert.Equal((2, 1), (accepted, rejected));
        Assert.Equal(1, framer.SyncErrors);
        Assert.Equal(2, framer.Packets);
        Assert.Equal(2, framer.PendingPackets);
    }

    [Fact]
    public void Short_fragment_alone_counts_as_one_sync_error()
    {
        var framer = new DatagramFramer(new ListSink());
        Assert.Equal((0, 1), framer.PushPackets(new byte[50]));
        Assert.Equal((0, 0), framer.PushPackets([]));
        Assert.Equal(1, framer.SyncErrors);
    }

    [Fact]
    public void Flush_pads_with_null_packets_to_a_whole_datagram()
    {
        var sink = new ListSink();
        var framer = new DatagramFramer(sink);
        framer.PushPackets(Packets.NumberedRun(0, 3));

        framer.Flush();

        byte[] datagram = Assert.Single(sink.Datagrams);
        Assert.Equal(TsPacket.DatagramSize, datagram.Length);
        List<byte[]> packets = sink.Packets;
        Assert.Equal([0, 1, 2], packets.Take(3).Select(p => Packets.NumberOf(p)));
        foreach (byte[] padding in packets.Skip(3))
        {
            Assert.Equal(TsPacket.SyncByte, padding[0]);
            Assert.Equal(TsPacket.NullPid, TsPacket.Pid(padding));
            Assert.True(TsPacket.HasPayload(padding));
            Assert.False(TsPacket.HasAdaptationField(padding));
        }
        Assert.Equal(3, framer.Packets);  // padding is not input
        Assert.Equal(1, framer.Datagrams);
        Assert.Equal(0, framer.SyncErrors);
        Assert.Equal(0, framer.PendingPackets);
    }

    [Fact]
    public void Flush_with_nothing_pending_sends_nothing()
    {
        var sink = new ListSink();
        var framer = new DatagramFramer(sink);
        framer.Flush();
        framer.PushPackets(Packets.NumberedRun(0, 7));
        framer.Flush();

        Assert.Single(sink.Datagrams);
        Assert.Equal(1, framer.Datagrams);
    }

    [Fact]
    public void Packets_after_a_flush_start_a_new_datagram()
    {
        var sink = new ListSink();
        var framer = new DatagramFramer(sink);
        framer.PushPackets(Packets.NumberedRun(0, 1));
        framer.Flush();
        framer.PushPackets(Packets.NumberedRun(1, 6));
        framer.Flush();

        Assert.Equal(2, sink.Datagrams.Count);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], sink.Packets.Where(p => TsPacket.Pid(p) != TsPacket.NullPid).Select(p => Packets.NumberOf(p)));
        Assert.Equal(7, framer.Packets);
        Assert.Equal(2, framer.Datagrams);
    }

    [Fact]
    public void Pushing_does_not_allocate_in_steady_state()
    {
        var sink = new DiscardSink();
        var framer = new DatagramFramer(sink);
        byte[] three = Packets.NumberedRun(0, 3);
        byte[] withBadSlot = Packets.NumberedRun(0, 7);
        withBadSlot[TsPacket.Size] = 0;
        for (int i = 0; i < 1000; i++) // warm up: JIT tiers, statics
        {
            framer.PushPackets(three);
            framer.PushPackets(withBadSlot);
            framer.Flush();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            framer.PushPackets(three);
            if (i % 10 == 0)
                framer.PushPackets(withBadSlot);
            if (i % 100 == 0)
                framer.Flush();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(sink.Datagrams > 4000); // the pushes did reach the sink
    }
}
