using Ristbond.MpegTs.Tests.Harness;

namespace Ristbond.MpegTs.Tests;

/// <summary>
/// The muxer's output read back as a receiver reads it: tables that name the codec and PIDs, one PES per access unit
/// carrying it byte for byte behind a delimiter, timestamps as given, and packets filled exactly.
/// </summary>
public sealed class VideoMuxerTests
{
    const int VideoPid = VideoMuxerOptions.DefaultVideoPid;

    [Theory]
    [InlineData(VideoCodec.Hevc, 0x24)]
    [InlineData(VideoCodec.H264, 0x1B)]
    public void Stream_opens_with_pat_and_pmt_naming_the_codec_and_the_video_pid(VideoCodec codec, int streamType)
    {
        List<byte[]> packets = FakeVideo.Mux(FakeVideo.Frames(codec, 3), codec);

        Assert.Equal(TsPacket.PatPid, TsPacket.Pid(packets[0]));
        Assert.Equal(new Demux.Pat(1, Psi.DefaultProgramNumber, VideoMuxerOptions.DefaultPmtPid), Demux.ReadPat(packets[0]));
        Assert.Equal(VideoMuxerOptions.DefaultPmtPid, TsPacket.Pid(packets[1]));
        Demux.Pmt pmt = Demux.ReadPmt(packets[1]);
        Assert.Equal(Psi.DefaultProgramNumber, pmt.ProgramNumber);
        Assert.Equal(VideoPid, pmt.PcrPid);
        Assert.Equal([(streamType, VideoPid)], pmt.Streams);
        Assert.Equal(VideoPid, TsPacket.Pid(packets[2]));
    }

    [Fact]
    public void Configured_pids_and_program_number_are_used_everywhere()
    {
        var options = FakeVideo.Options(VideoCodec.Hevc) with { VideoPid = 0x0211, PmtPid = 0x0042, ProgramNumber = 9 };

        List<byte[]> packets = FakeVideo.Mux(FakeVideo.Frames(VideoCodec.Hevc, 10), options);

        Assert.Equal(new Demux.Pat(1, 9, 0x0042), Demux.ReadPat(packets[0]));
        Demux.Pmt pmt = Demux.ReadPmt(packets[1]);
        Assert.Equal((9, 0x0211), (pmt.ProgramNumber, pmt.PcrPid));
        Assert.Equal([(0x24, 0x0211)], pmt.Streams);
        Assert.Equal([TsPacket.PatPid, 0x0042, 0x0211, TsPacket.NullPid], packets.Select(p => TsPacket.Pid(p)).Distinct().Order());
        Assert.Equal(10, Demux.ReadPes(packets, 0x0211).Count);
    }

    [Theory]
    [InlineData(VideoCodec.Hevc)]
    [InlineData(VideoCodec.H264)]
    public void Each_access_unit_is_one_pes_whose_payload_is_a_delimiter_and_the_access_unit(VideoCodec codec)
    {
        List<FakeVideo.Frame> frames = FakeVideo.Frames(codec, 30);

        List<Demux.Pes> pes = Demux.ReadPes(FakeVideo.Mux(frames, codec), VideoPid);

        Assert.Equal(frames.Count, pes.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal([.. AnnexB.Delimiter(codec), .. frames[i].AccessUnit], pes[i].Payload);
            Assert.Equal(0xE0, pes[i].StreamId);
            Assert.Equal(0, pes[i].PacketLength); // unbounded, as video may be
            Assert.True(pes[i].DataAligned);
        }
    }

    [Theory]
    [InlineData(VideoCodec.Hevc)]
    [InlineData(VideoCodec.H264)]
    public void Access_unit_that_has_a_delimiter_is_not_given_another(VideoCodec codec)
    {
        byte[] withDelimiter = FakeVideo.AccessUnit(codec, 500, keyframe: true, withDelimiter: true);
        byte[] threeByteStartCode = [.. AnnexB.Delimiter(codec)[1..], .. FakeVideo.AccessUnit(codec, 500, seed: 1)];
        FakeVideo.Frame[] frames = [new(withDelimiter, 1000, 1000, true), new(threeByteStartCode, 4600, 4600, false)];

        List<Demux.Pes> pes = Demux.ReadPes(FakeVideo.Mux(frames, codec), VideoPid);

        Assert.Equal(withDelimiter, pes[0].Payload);
        Assert.Equal(threeByteStartCode, pes[1].Payload);
    }

    [Fact]
    public void Hevc_delimiter_is_type_35_with_temporal_id_0_and_h264_delimiter_type_9()
    {
        Assert.Equal(AnnexB.HevcDelimiterType, AnnexB.FirstNalType(AnnexB.Delimiter(VideoCodec.Hevc), VideoCodec.Hevc));
        Assert.Equal(1, AnnexB.Delimiter(VideoCodec.Hevc)[5] & 0x07); // nuh_temporal_id_plus1
        Assert.Equal(AnnexB.H264DelimiterType, AnnexB.FirstNalType(AnnexB.Delimiter(VideoCodec.H264), VideoCodec.H264));
        Assert.Equal(-1, AnnexB.FirstNalType([0, 0, 1], VideoCodec.H264));          // a start code and nothing after it
        Assert.Equal(-1, AnnexB.FirstNalType([0, 0, 1, 0x46], VideoCodec.Hevc));    // half an HEVC NAL header
        Assert.Equal(-1, AnnexB.FirstNalType([0, 0, 1, 0xC6, 1], VideoCodec.Hevc)); // forbidden_zero_bit set
        Assert.Equal(-1, AnnexB.FirstNalType([0, 1, 0x09], VideoCodec.H264));       // no start code
    }

    [Fact]
    public void Without_b_frames_only_the_pts_is_written()
    {
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.Hevc, 10);

        List<Demux.Pes> pes = Demux.ReadPes(FakeVideo.Mux(frames, VideoCodec.Hevc), VideoPid);

        Assert.Equal(frames.Select(f => f.Pts), pes.Select(p => p.Pts));
        Assert.All(pes, p => Assert.Null(p.Dts));
    }

    [Fact]
    public void With_b_frames_the_dts_is_written_where_it_differs_from_the_pts()
    {
        List<FakeVideo.Frame> frames = FakeVideo.Frames(VideoCodec.Hevc, 31, gop: 24, bFrames: true);

        List<Demux.Pes> pes = Demux.ReadPes(FakeVideo.Mux(frames, VideoCodec.Hevc), VideoPid);

        Assert.Equal(frames.Select(f => f.Pts), pes.Select(p => p.Pts));
        Assert.Equal(frames.Select(f => f.Dts == f.Pts ? (long?)null : f.Dts), pes.Select(p => p.Dts));
        Assert.Contains(pes, p => p.Dts is null);     // the B-frames
        Assert.Contains(pes, p => p.Dts is not null); // the I- and P-frames
    }

    [Fact]
    public void Timestamps_wrap_at_33_bits()
    {
        const long wrap = 1L << 33;
        FakeVideo.Frame[] frames =
        [
            new(FakeVideo.AccessUnit(VideoCodec.Hevc, 100, keyframe: true), wrap - 3600, wrap - 7200, true),
            new(FakeVideo.AccessUnit(VideoCodec.Hevc, 100), wrap + 3600, wrap - 3600, false),
            new(FakeVideo.AccessUnit(VideoCodec.Hevc, 100), wrap, wrap, false),
        ];

        List<Demux.Pes> pes = Demux.ReadPes(FakeVideo.Mux(frames, VideoCodec.Hevc), VideoPid);

        Assert.Equal([(wrap - 3600, wrap - 7200), (3600, wrap - 3600), (0, null)], pes.Select(p => (p.Pts, p.Dts)));
    }

    [Fact]
    public void Payload_unit_start_marks_each_pes_and_each_table_and_nothing_else()
    {
        List<byte[]> packets = FakeVideo.Mux(FakeVideo.Frames(VideoCodec.H264, 40), VideoCodec.H264);

        var video = packets.Select((p, i) => (p, i)).Where(x => TsPacket.Pid(x.p) == VideoPid).ToList();
        Assert.Equal(40, video.Count(x => TsPacket.PayloadUnitStart(x.p)));
        Assert.All(Demux.ReadPes(packets, VideoPid), pes => Assert.True(TsPacket.PayloadUnitStart(packets[pes.FirstPacket])));
        Assert.All(packets.Where(p => TsPacket.Pid(p) is TsPacket.PatPid or VideoMuxerOptions.DefaultPmtPid), p => Assert.True(TsPacket.PayloadUnitStart(p)));
        Assert.All(packets.Where(p => TsPacket.Pid(p) == TsPacket.NullPid), p => Assert.False(TsPacket.PayloadUnitStart(p)));
    }

    /// <summary>
    /// Every access unit size from 1 to a few packets, so the last packet's payload takes every length from 1 to 184:
    /// stuffing from 182 bytes down to none, including the 1-byte field that is only its length byte.
    /// </summary>
    [Fact]
    public void Adaptation_stuffing_fills_each_last_packet_exactly()
    {
        var frames = new List<FakeVideo.Frame>();
        for (int size = 1; size <= 600; size++)
            frames.Add(new(FakeVideo.AccessUnit(VideoCodec.Hevc, size, seed: size), 3600L * size, 3600L * size, false));

        List<byte[]> packets = FakeVideo.Mux(frames, VideoCodec.Hevc);
        List<Demux.Pes> pes = Demux.ReadPes(packets, VideoPid);

        Assert.Equal(frames.Select(f => f.AccessUnit.Length + 7), pes.Select(p => p.Payload.Length)); // with the delimiter
        var stuffingLengths = new HashSet<int>();
        foreach (byte[] packet in packets.Where(p => TsPacket.Pid(p) == VideoPid))
        {
            int adaptation = TsPacket.HasAdaptationField(packet) ? 1 + packet[4] : 0;
            Assert.Equal(TsPacket.Size - 4 - adaptation, TsPacket.Payload(packet).Length);
            if (adaptation == 0)
                continue;
            int used = TsPacket.TryGetPcr(packet, out _) ? 8 : adaptation == 1 ? 1 : 2; // length byte, flags, PCR
            Assert.All(packet.AsSpan(4 + used, adaptation - used).ToArray(), b => Assert.Equal(0xFF, b));
            stuffingLengths.Add(adaptation - used);
        }
        Assert.True(stuffingLengths.Count > 180, $"only {stuffingLengths.Count} different stuffing lengths seen");
        Assert.Contains(0, stuffingLengths);
        Assert.Contains(182 - 1, stuffingLengths); // a 1-byte payload: 184 = length byte + flags + 181 stuffing + 1
    }

    [Fact]
    public void Large_access_unit_spans_many_packets_with_one_pes_header()
    {
        byte[] large = FakeVideo.AccessUnit(VideoCodec.H264, 200_000, keyframe: true); // over the 64 KiB a bounded PES could hold

        List<byte[]> packets = FakeVideo.Mux([new FakeVideo.Frame(large, 1000, 1000, true)], VideoCodec.H264);

        Demux.Pes pes = Assert.Single(Demux.ReadPes(packets, VideoPid));
        Assert.Equal([.. AnnexB.Delimiter(VideoCodec.H264), .. large], pes.Payload);
        Assert.Equal((200_000 + 6 + 14 + 8 + 183) / 184, pes.PacketCount); // payload, delimiter, header, PCR field
    }
}
