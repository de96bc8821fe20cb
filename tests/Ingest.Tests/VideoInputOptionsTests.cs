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

    [Fact]
    public void An_unknown_encoder_is_named_with_the_choices() =>
        Assert.Equal("--encoder 'nvenc': unknown encoder (use x265 or auto)", Assert.Throws<RistbondException>(() => VideoEncoderChoice.Parse("nvenc")).Message);
}
