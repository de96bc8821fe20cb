using System.Text;
using Ristbond.MpegTs.Tests.Harness;

namespace Ristbond.MpegTs.Tests;

/// <summary>
/// vicodec's FWHT carried as PES private data: a receiver finds it by stream_type 0x06 and the 'FWHT' registration
/// descriptor, and gets each frame back whole, byte for byte, with its timestamps and nothing put in front.
/// </summary>
public sealed class VideoMuxerFwhtTests
{
    const int VideoPid = VideoMuxerOptions.DefaultVideoPid;

    [Fact]
    public void Pmt_declares_private_data_with_an_fwht_registration_descriptor()
    {
        List<byte[]> packets = FakeVideo.Mux(FakeVideo.Frames(VideoCodec.Fwht, 3), VideoCodec.Fwht);

        Demux.Pmt pmt = Demux.ReadPmt(packets[1]);
        Assert.Equal([(0x06, VideoPid)], pmt.Streams);
        Assert.Equal(VideoPid, pmt.PcrPid);
        (int tag, byte[] body) = Assert.Single(Demux.ReadPmtDescriptors(packets[1])[VideoPid]);
        Assert.Equal(0x05, tag);
        Assert.Equal("FWHT", Encoding.ASCII.GetString(body));
    }

    [Fact]
    public void Annex_b_streams_keep_a_pmt_without_descriptors()
    {
        List<byte[]> packets = FakeVideo.Mux(FakeVideo.Frames(VideoCodec.Hevc, 1), VideoCodec.Hevc);

        Assert.Empty(Demux.ReadPmtDescriptors(packets[1])[VideoPid]);
    }

    [Fact]
    public void Each_frame_is_one_private_stream_pes_carrying_it_unchanged_with_its_timestamps()
    {
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.Fwht, 30, fps: 15, gop: 10, baseSize: 9000);
        frames[5] = frames[5] with { Dts = frames[5].Pts - 3000 }; // a DTS apart from the PTS is carried too

        List<byte[]> packets = FakeVideo.Mux(frames, VideoCodec.Fwht);
        List<Demux.Pes> pes = Demux.ReadPes(packets, VideoPid);

        Assert.Equal(frames.Count, pes.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal(frames[i].AccessUnit, pes[i].Payload);
            Assert.Equal(0xBD, pes[i].StreamId); // private_stream_1
            Assert.Equal(frames[i].Pts, pes[i].Pts);
            Assert.Equal(i == 5 ? frames[i].Dts : null, pes[i].Dts);
            Assert.Equal(3 + (i == 5 ? 10 : 5) + frames[i].AccessUnit.Length, pes[i].PacketLength); // bounded, as private data should be
            Assert.True(pes[i].DataAligned);
        }
        Assert.Empty(Demux.ContinuityBreaks(packets));
    }

    [Fact]
    public void Keyframes_carry_the_random_access_indicator()
    {
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.Fwht, 20, gop: 10);

        List<byte[]> packets = FakeVideo.Mux(frames, VideoCodec.Fwht);
        List<Demux.Pes> pes = Demux.ReadPes(packets, VideoPid);

        bool[] randomAccess = [.. pes.Select(p => Demux.AdaptationFlags(packets[p.FirstPacket]) is int flags && flags >= 0 && (flags & 0x40) != 0)];
        Assert.Equal(frames.Select(f => f.Keyframe), randomAccess);
    }

    [Fact]
    public void Frame_larger_than_the_pes_length_field_goes_unbounded()
    {
        byte[] large = FakeVideo.FwhtFrame(70_000, keyframe: true);

        List<Demux.Pes> pes = Demux.ReadPes(FakeVideo.Mux([new FakeVideo.Frame(large, 9000, 9000, true)], VideoCodec.Fwht), VideoPid);

        Assert.Equal(0, Assert.Single(pes).PacketLength);
        Assert.Equal(large, pes[0].Payload);
    }

    [Fact]
    public void Frame_without_an_fwht_header_is_refused_naming_its_bytes()
    {
        var muxer = new VideoMuxer(new ListSink(), FakeVideo.Options(VideoCodec.Fwht));
        byte[] annexB = FakeVideo.AccessUnit(VideoCodec.Hevc, 100, keyframe: true);

        var error = Assert.Throws<ArgumentException>(() => muxer.Write(annexB, 9000, keyframe: true));

        Assert.Contains("does not open with an FWHT frame header (first bytes 0000000126", error.Message);
        Assert.Equal(0, muxer.AccessUnits);
    }

    [Fact]
    public void Muxing_fwht_does_not_allocate_in_steady_state()
    {
        var sink = new DiscardSink();
        var muxer = new VideoMuxer(sink, FakeVideo.Options(VideoCodec.Fwht));
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.Fwht, 30, fps: 15, gop: 15, baseSize: 8000);
        long offset = 0;
        void Round()
        {
            foreach (FakeVideo.Frame frame in frames)
                muxer.Write(frame.AccessUnit, frame.Pts + offset, frame.Keyframe);
            muxer.Flush();
            offset += 40 * VideoMuxer.TicksPerSecond / 15;
        }
        for (int i = 0; i < 30; i++) // warm up: JIT tiers, statics
            Round();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            Round();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(130 * 30, muxer.AccessUnits);
        Assert.True(sink.Datagrams > 100 * 30 * 5, $"only {sink.Datagrams} datagrams");
    }
}
