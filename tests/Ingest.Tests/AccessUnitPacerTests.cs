using Ristbond.Ingest.Tests.Harness;
using Ristbond.MpegTs;

namespace Ristbond.Ingest.Tests;

/// <summary>One access unit's datagrams leave evenly over the window they are given, intact and in order (simulated time).</summary>
public sealed class AccessUnitPacerTests
{
    const long Millisecond = 1_000_000;

    static byte[] Datagram(int index)
    {
        byte[] datagram = new byte[TsPacket.DatagramSize];
        datagram.AsSpan().Fill((byte)index);
        datagram[0] = TsPacket.SyncByte;
        return datagram;
    }

    [Fact]
    public void Ten_datagrams_are_spread_over_a_30_ms_window()
    {
        var clock = new SimulatedClock();
        var pacer = new AccessUnitPacer(clock);
        var sink = new SimulatedTimeSink(clock);
        IDatagramSink input = pacer;
        for (int i = 0; i < 10; i++)
            input.Send(Datagram(i));
        long start = clock.NowNanos;

        int sent = pacer.Release(sink, start + 30 * Millisecond, out long first, out long last);

        Assert.Equal(10, sent);
        Assert.Equal(0, pacer.Pending);
        Assert.Equal([0, 3, 6, 9, 12, 15, 18, 21, 24, 27], sink.Datagrams.Select(d => (d.Nanos - start) / Millisecond));
        Assert.Equal(start, first);
        Assert.Equal(start + 27 * Millisecond, last);
        for (int i = 0; i < 10; i++)
            Assert.Equal(Datagram(i), sink.Datagrams[i].Datagram);
    }

    [Fact]
    public void A_window_already_over_sends_everything_at_once()
    {
        var clock = new SimulatedClock();
        var pacer = new AccessUnitPacer(clock);
        var sink = new SimulatedTimeSink(clock);
        for (int i = 0; i < 5; i++)
            ((IDatagramSink)pacer).Send(Datagram(i));

        pacer.Release(sink, clock.NowNanos - Millisecond, out _, out _);

        Assert.Equal(5, sink.Datagrams.Count);
        Assert.All(sink.Datagrams, d => Assert.Equal(clock.NowNanos, d.Nanos));
    }

    [Fact]
    public void A_keyframe_larger_than_the_buffer_grows_it_once_and_later_frames_reuse_it()
    {
        var clock = new SimulatedClock();
        var pacer = new AccessUnitPacer(clock);
        var sink = new CountingSink();
        int large = pacer.Capacity * 3;
        for (int i = 0; i < large; i++)
            ((IDatagramSink)pacer).Send(Datagram(i));
        pacer.Release(sink, clock.NowNanos + 30 * Millisecond, out _, out _);
        int grown = pacer.Capacity;
        Assert.True(grown >= large);

        byte[] datagram = Datagram(1);
        SendFrames(pacer, sink, clock, datagram, large, 100); // the same calls once before measuring: the JIT's tiering allocates
        long before = GC.GetAllocatedBytesForCurrentThread();
        SendFrames(pacer, sink, clock, datagram, large, 100);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(grown, pacer.Capacity);
        Assert.Equal(201L * large * TsPacket.DatagramSize, sink.Bytes);
    }

    static void SendFrames(AccessUnitPacer pacer, CountingSink sink, SimulatedClock clock, byte[] datagram, int datagrams, int frames)
    {
        for (int frame = 0; frame < frames; frame++)
        {
            for (int i = 0; i < datagrams; i++)
                ((IDatagramSink)pacer).Send(datagram);
            pacer.Release(sink, clock.NowNanos + 30 * Millisecond, out _, out _);
        }
    }
}
