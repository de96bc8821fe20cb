using Ristbond.Video.V4l2;

namespace Ristbond.Video.Tests;

/// <summary>
/// What <c>--encoder auto</c> picks from the devices a scan found: the first V4L2 encoder producing HEVC, else H.264,
/// else x265 — never vicodec's FWHT, which MPEG-TS cannot carry. The device lists are what QUERYCAP and ENUM_FMT
/// report on real boards; the scan itself runs against real drivers in the QEMU board.
/// </summary>
public sealed class EncoderChoiceTests
{
    const uint M2MMultiPlanar = 0x4000;
    const uint Capture = 0x1;
    const uint Streaming = 0x0400_0000;

    static uint FourCc(string code) => (uint)(code[0] | code[1] << 8 | code[2] << 16 | code[3] << 24);

    static V4l2DeviceInfo Device(string path, string driver, uint caps, string[] coded, string[] raw) => new()
    {
        Path = path,
        Driver = driver,
        Card = driver,
        DeviceCaps = caps,
        CodedFormats = [.. coded.Select(FourCc)],
        RawFormats = [.. raw.Select(FourCc)],
    };

    static readonly V4l2DeviceInfo s_vivid = Device("/dev/video0", "vivid", Capture | Streaming, ["YUYV", "NV12"], []);
    static readonly V4l2DeviceInfo s_vicodec = Device("/dev/video1", "vicodec", M2MMultiPlanar | Streaming, ["FWHT"], ["NV12", "YU12"]);
    static readonly V4l2DeviceInfo s_h264 = Device("/dev/video2", "amphion", M2MMultiPlanar | Streaming, ["H264"], ["NV12"]);
    static readonly V4l2DeviceInfo s_hevc = Device("/dev/video3", "venus", M2MMultiPlanar | Streaming, ["H264", "HEVC"], ["NV12"]);
    static readonly V4l2DeviceInfo s_decoder = Device("/dev/video4", "venus-dec", M2MMultiPlanar | Streaming, ["NV12"], ["HEVC", "H264"]);

    [Fact]
    public void Auto_without_a_carried_hardware_encoder_is_x265()
    {
        VideoEncoderChoice chosen = VideoEncoderFactory.Resolve(VideoEncoderChoice.Auto, [s_vivid, s_vicodec, s_decoder]);

        Assert.Equal(VideoEncoderKind.X265, chosen.Kind);
        Assert.Equal(PixelFormat.I420, VideoEncoderFactory.PreferredPixelFormat(chosen));
    }

    [Fact]
    public void Auto_prefers_an_hevc_encoder_over_an_earlier_h264_one()
    {
        VideoEncoderChoice chosen = VideoEncoderFactory.Resolve(VideoEncoderChoice.Auto, [s_vivid, s_vicodec, s_h264, s_hevc]);

        Assert.Equal(VideoEncoderKind.V4l2, chosen.Kind);
        Assert.Equal("/dev/video3", chosen.DevicePath);
        Assert.Equal(PixelFormat.Nv12, VideoEncoderFactory.PreferredPixelFormat(chosen));
    }

    [Fact]
    public void Auto_takes_an_h264_encoder_when_there_is_no_hevc_one()
    {
        VideoEncoderChoice chosen = VideoEncoderFactory.Resolve(VideoEncoderChoice.Auto, [s_decoder, s_vicodec, s_h264]);

        Assert.Equal("/dev/video2", chosen.DevicePath);
    }

    [Fact]
    public void A_named_choice_is_not_replaced_by_what_a_scan_finds()
    {
        Assert.Equal(VideoEncoderKind.X265, VideoEncoderFactory.Resolve(VideoEncoderChoice.Software, [s_hevc]).Kind);
        Assert.Equal("/dev/video1", VideoEncoderFactory.Resolve(VideoEncoderChoice.Device("/dev/video1"), [s_hevc]).DevicePath);
    }

    [Fact]
    public void The_pixel_format_of_auto_is_not_guessed_before_it_is_resolved() =>
        Assert.Throws<ArgumentException>(() => VideoEncoderFactory.PreferredPixelFormat(VideoEncoderChoice.Auto));

    [Fact]
    public void A_missing_encoder_device_is_one_error_naming_it()
    {
        // No V4L2 devices on this machine: opening a named one fails before anything streams.
        var error = Assert.Throws<Platform.RistbondException>(() => VideoEncoderFactory.Open(VideoEncoderChoice.Device("/dev/video99"),
            new VideoFormat(640, 360, PixelFormat.Nv12), new VideoEncoderSettings { InitialBitrate = 2_000_000, MaximumBitrate = 4_000_000 }));

        Assert.Equal("Could not open /dev/video99: No such file or directory", error.Message);
        Assert.Equal(Platform.ExitCodes.BadInput, error.ExitCode);
    }
}
