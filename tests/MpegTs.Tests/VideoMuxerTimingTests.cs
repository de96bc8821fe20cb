using Ristbond.MpegTs.Tests.Harness;

namespace Ristbond.MpegTs.Tests;

/// <summary>
/// When things go out: PCRs and tables often enough at any usual frame rate and always before a keyframe,
/// continuity counters unbroken, a flush that sends what waits, and no allocation per frame.
/// </summary>
public sealed class VideoMuxerTimingTests
{
    const int VideoPid = VideoMuxerOptions.DefaultVideoPid;
    const int PmtPid = VideoMuxerOptions.DefaultPmtPid;
    const long PcrPerTick = 300; // 27 MHz / 90 kHz

    static List<(int Index, long Pcr)> Pcrs(List<byte[]> packets) =>
        [.. packets.Select((p, i) => (p, i)).Where(x => TsPacket.TryGetPcr(x.p, out _)).Select(x => (x.i, TsPacket.TryGetPcr(x.p, out long pcr) ? pcr : 0))];

    [Fact]
    public void Every_keyframe_starts_with_pcr_and_random_access_right_after_pat_and_pmt()
    {
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.Hevc, 100, gop: 25);

        List<byte[]> packets = FakeVideo.Mux(frames, VideoCodec.Hevc);
        List<Demux.Pes> pes = Demux.ReadPes(packets, VideoPid);

        for (int i = 0; i < frames.Count; i++)
        {
            byte[] first = packets[pes[i].FirstPacket];
            bool randomAccess = RandomAccess(first);
            Assert.True(frames[i].Keyframe == randomAccess, $"frame {i}: keyframe {frames[i].Keyframe}, random_access_indicator {randomAccess}");
            if (!frames[i].Keyframe)
                continue;
            Assert.True(TsPacket.TryGetPcr(first, out long pcr), $"keyframe {i} has no PCR");
            Assert.Equal((frames[i].Dts - 63_000) * PcrPerTick, pcr); // the default 700 ms offset
            Assert.Equal(TsPacket.PatPid, TsPacket.Pid(packets[pes[i].FirstPacket - 2]));
            Assert.Equal(PmtPid, TsPacket.Pid(packets[pes[i].FirstPacket - 1]));
        }
        Assert.Equal(4, pes.Count(p => RandomAccess(packets[p.FirstPacket])));
    }

    static bool RandomAccess(byte[] packet) => Demux.AdaptationFlags(packet) is int flags && flags >= 0 && (flags & 0x40) != 0;

    [Theory]
    [InlineData(25)]
    [InlineData(30)]
    [InlineData(50)]
    [InlineData(60)]
    public void Pcr_comes_at_least_every_40_ms_and_only_on_pes_starts(int fps)
    {
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.H264, 3 * fps, fps, gop: 2 * fps);

        List<byte[]> packets = FakeVideo.Mux(frames, VideoCodec.H264);

        var pcrs = Pcrs(packets);
        Assert.All(pcrs, x => Assert.True(TsPacket.PayloadUnitStart(packets[x.Index]) && TsPacket.Pid(packets[x.Index]) == VideoPid));
        long longest = pcrs.Zip(pcrs.Skip(1), (a, b) => b.Pcr - a.Pcr).Max();
        Assert.True(longest > 0 && longest <= 40 * 27_000, $"at {fps} fps the longest PCR gap is {longest / 27_000.0} ms");
        if (fps >= 50) // at 50 and 60 fps not every frame needs one
            Assert.True(pcrs.Count < frames.Count, $"{pcrs.Count} PCRs for {frames.Count} frames");
    }

    [Fact]
    public void Below_25_fps_every_frame_carries_a_pcr_as_the_frame_gap_is_the_shortest_possible()
    {
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.H264, 30, fps: 10);

        List<byte[]> packets = FakeVideo.Mux(frames, VideoCodec.H264);

        Assert.Equal(frames.Count, Pcrs(packets).Count);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(60)]
    public void Tables_come_at_least_every_100_ms_of_dts(int fps)
    {
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.Hevc, 5 * fps, fps, gop: 1000);

        List<byte[]> packets = FakeVideo.Mux(frames, VideoCodec.Hevc);
        List<Demux.Pes> pes = Demux.ReadPes(packets, VideoPid);

        // The DTS of the frame that follows each PAT stands for the time the PAT went out.
        long[] tableTimes = [.. pes.Where(p => TsPacket.Pid(packets[p.FirstPacket - 1]) == PmtPid).Select(p => p.Dts ?? p.Pts)];
        long longest = tableTimes.Zip(tableTimes.Skip(1), (a, b) => b - a).Max();
        long frame = VideoMuxer.TicksPerSecond / fps;
        Assert.True(longest <= Math.Max(9000, frame), $"at {fps} fps the longest gap between tables is {longest / 90.0} ms");
        Assert.True(tableTimes.Length < frames.Count || fps <= 10, $"tables before all {frames.Count} frames at {fps} fps");
        Assert.All(packets.Where(p => TsPacket.Pid(p) == TsPacket.PatPid), p => Assert.Equal(new Demux.Pat(1, 1, PmtPid), Demux.ReadPat(p)));
    }

    [Fact]
    public void Configured_pcr_offset_puts_the_pcr_that_far_behind_the_dts_even_across_the_wrap()
    {
        var options = FakeVideo.Options(VideoCodec.Hevc) with { PcrOffset = TimeSpan.FromMilliseconds(200) };
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.Hevc, 50, firstPts: 0, bFrames: true, gop: 24);

        List<byte[]> packets = FakeVideo.Mux(frames, options);
        List<Demux.Pes> pes = Demux.ReadPes(packets, VideoPid);

        const long modulus = (1L << 33) * PcrPerTick;
        for (int i = 0; i < pes.Count; i++)
        {
            if (TsPacket.TryGetPcr(packets[pes[i].FirstPacket], out long pcr))
                Assert.Equal(((frames[i].Dts - 18_000) * PcrPerTick + modulus) % modulus, pcr); // DTS starts at -1 frame
        }
    }

    [Fact]
    public void Continuity_counters_run_unbroken_on_every_pid()
    {
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.Hevc, 200, bFrames: true, gop: 24, baseSize: 700);

        List<byte[]> packets = FakeVideo.Mux(frames, FakeVideo.Options(VideoCodec.Hevc), flushEachFrame: true);

        Assert.Empty(Demux.ContinuityBreaks(packets));
        foreach (int pid in new[] { TsPacket.PatPid, PmtPid, VideoPid })
        {
            List<byte[]> onPid = [.. packets.Where(p => TsPacket.Pid(p) == pid)];
            Assert.Equal(0, TsPacket.ContinuityCounter(onPid[0]));
            Assert.True(onPid.Count > 16, $"pid 0x{pid:X}: only {onPid.Count} packets, the counter never wrapped");
            Assert.All(onPid, p => Assert.True(TsPacket.HasPayload(p)));
        }
    }

    [Fact]
    public void Flush_sends_a_small_frame_at_once_padded_with_null_packets()
    {
        var sink = new ListSink();
        var muxer = new VideoMuxer(sink, FakeVideo.Options(VideoCodec.H264));
        muxer.Write(FakeVideo.AccessUnit(VideoCodec.H264, 300, keyframe: true), 9000, keyframe: true);
        Assert.Empty(sink.Datagrams);
        Assert.Equal(4, muxer.PendingPackets); // PAT, PMT and two video packets

        muxer.Flush();
        muxer.Flush(); // nothing left: sends nothing

        byte[] datagram = Assert.Single(sink.Datagrams);
        Assert.Equal(TsPacket.DatagramSize, datagram.Length);
        Assert.Equal([0, PmtPid, VideoPid, VideoPid, TsPacket.NullPid, TsPacket.NullPid, TsPacket.NullPid], sink.Packets.Select(p => TsPacket.Pid(p)));
        Assert.Equal((0, 4L, 1L, 1L), (muxer.PendingPackets, muxer.Packets, muxer.Datagrams, muxer.AccessUnits));
    }

    [Fact]
    public void Without_flush_datagrams_are_filled_across_frames()
    {
        var sink = new ListSink();
        var muxer = new VideoMuxer(sink, FakeVideo.Options(VideoCodec.Hevc));
        foreach (FakeVideo.Frame frame in FakeVideo.Frames(VideoCodec.Hevc, 20, baseSize: 250))
            muxer.Write(frame.AccessUnit, frame.Pts, frame.Dts, frame.Keyframe);

        Assert.DoesNotContain(sink.Packets, p => TsPacket.Pid(p) == TsPacket.NullPid);
        Assert.Equal(muxer.Packets, sink.Packets.Count + muxer.PendingPackets);
    }

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(40_000_000L, 3600L)]       // one frame at 25 fps
    [InlineData(1_000_000_000L, 90_000L)]
    [InlineData(11_111L, 0L)]              // under one tick
    [InlineData(long.MaxValue, long.MaxValue / 100_000 * 9 + long.MaxValue % 100_000 * 9 / 100_000)] // no overflow
    public void Nanoseconds_become_90_khz_ticks(long nanoseconds, long ticks)
    {
        Assert.Equal(ticks, VideoMuxer.TicksFromNanoseconds(nanoseconds));
    }

    [Fact]
    public void Muxing_does_not_allocate_in_steady_state()
    {
        var sink = new DiscardSink();
        var muxer = new VideoMuxer(sink, FakeVideo.Options(VideoCodec.Hevc));
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.Hevc, 48, gop: 24, bFrames: true);
        byte[] withDelimiter = FakeVideo.AccessUnit(VideoCodec.Hevc, 5000, withDelimiter: true);
        long step = VideoMuxer.TicksPerSecond / 25;
        long offset = 0;
        void Round()
        {
            foreach (FakeVideo.Frame frame in frames)
                muxer.Write(frame.AccessUnit, frame.Pts + offset, frame.Dts + offset, frame.Keyframe);
            muxer.Write(withDelimiter, frames[^1].Pts + offset + 10 * step, keyframe: false);
            muxer.Flush();
            offset += 60 * step; // past the last frame, so the next round goes on in decode order
        }
        for (int i = 0; i < 50; i++) // warm up: JIT tiers, statics
            Round();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
            Round();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(250 * 49, muxer.AccessUnits);
        Assert.True(sink.Datagrams > 200 * 48 * 3, $"only {sink.Datagrams} datagrams"); // the frames did reach the sink
    }
}
