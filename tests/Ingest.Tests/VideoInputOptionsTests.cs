using Ristbond.Platform;
using Ristbond.Video;

namespace Ristbond.Ingest.Tests;

/// <summary>--video-size, --fps and --encoder: what is accepted, and errors that name the option and the value.</summary>
public sealed class VideoInputOptionsTests
{
    [Theory]
    [InlineData("1280x720", 1280, 720)]
    [InlineData("640X360", 640, 360)]
    [InlineData(" 1920x1080 ", 1920, 1080)]
    public void Sizes_are_read(string text, int width, int height) =>
        Assert.Equal((width, height), VideoInputOptions.ParseSize(text));

    [Theory]
    [InlineData("1280")]
    [InlineData("1281x720")]
    [InlineData("8x8")]
    [InlineData("-2x720")]
    [InlineData("widexhigh")]
    [InlineData("99999x720")]
    public void Bad_sizes_are_named(string text)
    {
        var error = Assert.Throws<RistbondException>(() => VideoInputOptions.ParseSize(text));
        Assert.StartsWith($"--video-size '{text}':", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Theory]
    [InlineData("30", 30, 1)]
    [InlineData("25", 25, 1)]
    [InlineData("29.97", 30000, 1001)]
    [InlineData("30000/1001", 30000, 1001)]
    public void Frame_rates_are_read(string text, int numerator, int denominator) =>
        Assert.Equal((numerator, denominator), VideoInputOptions.ParseFrameRate(text));

    [Theory]
    [InlineData("0")]
    [InlineData("500")]
    [InlineData("30/0")]
    [InlineData("fast")]
    public void Bad_frame_rates_are_named(string text) =>
        Assert.StartsWith($"--fps '{text}':", Assert.Throws<RistbondException>(() => VideoInputOptions.ParseFrameRate(text)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("x265", VideoEncoderKind.X265)]
    [InlineData("auto", VideoEncoderKind.Auto)]
    public void Encoders_are_read(string text, VideoEncoderKind kind) => Assert.Equal(kind, VideoEncoderChoice.Parse(text).Kind);

    [Theory]
    [InlineData("/dev/video5", "/dev/video5")]
    [InlineData(" /dev/video11 ", "/dev/video11")]
    [InlineData("/dev/v4l/by-path/platform-aa00000.video-codec-video-index1", "/dev/v4l/by-path/platform-aa00000.video-codec-video-index1")]
    public void A_device_path_chooses_that_v4l2_encoder(string text, string path)
    {
        VideoEncoderChoice choice = VideoEncoderChoice.Parse(text);

        Assert.Equal(VideoEncoderKind.V4l2, choice.Kind);
        Assert.Equal(path, choice.DevicePath);
        Assert.Equal(PixelFormat.Nv12, VideoEncoderFactory.PreferredPixelFormat(choice));
    }

    [Fact]
    public void X265_takes_planar_frames_and_has_no_device()
    {
        VideoEncoderChoice choice = VideoEncoderChoice.Parse("x265");

        Assert.Null(choice.DevicePath);
        Assert.Equal(PixelFormat.I420, VideoEncoderFactory.PreferredPixelFormat(choice));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/dev/")]
    public void A_path_that_names_no_device_is_refused(string text) =>
        Assert.Equal($"--encoder '{text}': name the encoder's device, e.g. /dev/video1",
            Assert.Throws<RistbondException>(() => VideoEncoderChoice.Parse(text)).Message);

    [Fact]
    public void An_unknown_encoder_is_named_with_the_choices() =>
        Assert.Equal("--encoder 'nvenc': unknown encoder (use auto, x265 or a V4L2 encoder's /dev/videoN)",
            Assert.Throws<RistbondException>(() => VideoEncoderChoice.Parse("nvenc")).Message);
}
