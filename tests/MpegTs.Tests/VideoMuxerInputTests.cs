using Ristbond.MpegTs.Tests.Harness;

namespace Ristbond.MpegTs.Tests;

/// <summary>
/// Bad input is refused with an ArgumentException naming the argument or setting at fault, nothing is written for
/// it, and the stream goes on unbroken with the next good access unit.
/// </summary>
public sealed class VideoMuxerInputTests
{
    const int VideoPid = VideoMuxerOptions.DefaultVideoPid;

    static readonly byte[] s_keyframe = FakeVideo.AccessUnit(VideoCodec.Hevc, 1000, keyframe: true);
    static readonly byte[] s_frame = FakeVideo.AccessUnit(VideoCodec.Hevc, 800);

    static (VideoMuxer Muxer, ListSink Sink) Started()
    {
        var sink = new ListSink();
        var muxer = new VideoMuxer(sink, FakeVideo.Options(VideoCodec.Hevc));
        muxer.Write(s_keyframe, pts: 90_000, dts: 86_400, keyframe: true);
        return (muxer, sink);
    }

    [Fact]
    public void Empty_access_unit_is_refused_by_name()
    {
        var (muxer, _) = Started();

        var error = Assert.Throws<ArgumentException>(() => muxer.Write([], 93_600, 90_000, false));

        Assert.Equal("accessUnit", error.ParamName);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x26, 0x01, 0xAF })]             // a NAL unit without its start code
    [InlineData(new byte[] { 0x00, 0x00, 0x01 })]             // a start code and nothing after it
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x01 })] // too many zeros: not a start code
    [InlineData(new byte[] { 0x00, 0x00, 0x01, 0xA6, 0x01 })] // forbidden_zero_bit set: not HEVC
    public void Access_unit_that_is_not_annex_b_is_refused_by_name(byte[] accessUnit)
    {
        var (muxer, _) = Started();

        var error = Assert.Throws<ArgumentException>(() => muxer.Write(accessUnit, 93_600, 90_000, false));

        Assert.Equal("accessUnit", error.ParamName);
        Assert.Contains("start code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dts_after_pts_is_refused_naming_the_dts()
    {
        var (muxer, _) = Started();

        var error = Assert.Throws<ArgumentException>(() => muxer.Write(s_frame, 93_600, 97_200, false));

        Assert.Equal("dts", error.ParamName);
        Assert.Contains("97200 is after its PTS 93600", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(86_400L)] // the same DTS again
    [InlineData(80_000L)] // going backwards
    public void Dts_that_does_not_increase_is_refused_naming_the_dts(long dts)
    {
        var (muxer, _) = Started();

        var error = Assert.Throws<ArgumentException>(() => muxer.Write(s_frame, 100_000, dts, false));

        Assert.Equal("dts", error.ParamName);
        Assert.Contains($"DTS {dts} is not after the previous access unit's 86400", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pts_going_backwards_without_b_frames_is_refused_naming_the_pts()
    {
        var muxer = new VideoMuxer(new ListSink(), FakeVideo.Options(VideoCodec.Hevc));
        muxer.Write(s_keyframe, 90_000, keyframe: true);
        muxer.Write(s_frame, 93_600, keyframe: false);

        var error = Assert.Throws<ArgumentException>(() => muxer.Write(s_frame, 90_000, keyframe: false));

        Assert.Equal("pts", error.ParamName);
        Assert.Contains("PTS 90000 is not after the previous access unit's 93600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pts_before_the_previous_one_is_fine_with_b_frames()
    {
        var (muxer, _) = Started();            // I: PTS 90000
        muxer.Write(s_frame, 100_800, 90_000, false); // P: shown after the B-frame that follows
        muxer.Write(s_frame, 97_200, 93_600, false);  // B: PTS back below the P-frame's

        Assert.Equal(3, muxer.AccessUnits);
    }

    [Fact]
    public void After_refused_input_the_stream_goes_on_unbroken()
    {
        var (muxer, sink) = Started();
        long packetsBefore = muxer.Packets;

        Assert.Throws<ArgumentException>(() => muxer.Write([], 93_600, 90_000, false));
        Assert.Throws<ArgumentException>(() => muxer.Write(s_frame, 93_600, 97_200, false));
        Assert.Throws<ArgumentException>(() => muxer.Write(s_frame, 80_000, 80_000, false));
        Assert.Equal(packetsBefore, muxer.Packets); // nothing written for any of them
        muxer.Write(s_frame, 93_600, 90_000, false);
        muxer.Flush();

        List<byte[]> packets = sink.Packets;
        Assert.Empty(Demux.ContinuityBreaks(packets));
        Assert.Equal([90_000L, 93_600L], Demux.ReadPes(packets, VideoPid).Select(p => p.Pts));
        Assert.Equal(2, muxer.AccessUnits);
    }

    [Fact]
    public void Options_that_cannot_make_a_valid_stream_are_refused_by_name()
    {
        var good = FakeVideo.Options(VideoCodec.H264);
        AssertRefused(good with { VideoPid = 0x000F }, "VideoPid");
        AssertRefused(good with { VideoPid = TsPacket.NullPid }, "VideoPid");
        AssertRefused(good with { PmtPid = 0 }, "PmtPid");
        AssertRefused(good with { PmtPid = good.VideoPid }, "VideoPid");
        AssertRefused(good with { ProgramNumber = 0 }, "ProgramNumber");
        AssertRefused(good with { ProgramNumber = 0x10000 }, "ProgramNumber");
        AssertRefused(good with { PcrOffset = TimeSpan.FromMilliseconds(-1) }, "PcrOffset");
        AssertRefused(good with { PcrInterval = TimeSpan.Zero }, "PcrInterval");
        AssertRefused(good with { PcrInterval = TimeSpan.FromMilliseconds(101) }, "PcrInterval");
        AssertRefused(good with { TableInterval = TimeSpan.FromSeconds(1) }, "TableInterval");
        AssertRefused(good with { Codec = (VideoCodec)7 }, "Codec");
        Assert.Throws<ArgumentNullException>(() => new VideoMuxer(null!, good));
        _ = new VideoMuxer(new ListSink(), good with { PcrOffset = TimeSpan.Zero }); // no offset is allowed
    }

    static void AssertRefused(VideoMuxerOptions options, string setting)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new VideoMuxer(new ListSink(), options));
        Assert.Equal(setting, error.ParamName);
    }
}
