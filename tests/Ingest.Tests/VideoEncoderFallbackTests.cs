using Microsoft.Extensions.Logging;
using Ristbond.Ingest.Tests.Harness;
using Ristbond.Modems.Tests.Harness;
using Ristbond.Platform;
using Ristbond.Video;
using Ristbond.Video.V4l2;

namespace Ristbond.Ingest.Tests;

/// <summary>
/// <c>--encoder auto</c> with a V4L2 encoder that is found but cannot be opened falls back to x265 with one warning
/// naming the device and why; a device named by path still stops the start with its one-line error. This machine has
/// no V4L2 hardware, so the discovery result is named through <see cref="VideoInputOptions.EncoderDevices"/> (the
/// seam; the devices listed are what QUERYCAP reports on a board with a venus HEVC encoder), while opening them runs
/// against the real kernel: /dev/null is a real node that refuses the V4L2 ioctls, /dev/video97 does not exist.
/// </summary>
public sealed class VideoEncoderFallbackTests
{
    const uint M2MMultiPlanar = 0x4000;
    const uint Streaming = 0x0400_0000;
    const uint Hevc = 0x43564548;
    const uint Nv12 = 0x3231564E;

    static V4l2DeviceInfo HevcEncoderAt(string path) => new()
    {
        Path = path,
        Driver = "venus",
        Card = "Qualcomm Venus video encoder",
        DeviceCaps = M2MMultiPlanar | Streaming,
        CodedFormats = [Hevc],
        RawFormats = [Nv12],
    };

    static VideoInputOptions Options(VideoEncoderChoice encoder, string devicePath) => new()
    {
        Width = 320,
        Height = 240,
        InitialBitrateBps = 500_000,
        Encoder = encoder,
        EncoderDevices = [HevcEncoderAt(devicePath)],
    };

    [Theory]
    [InlineData("/dev/null", "Inappropriate ioctl for device")]
    [InlineData("/dev/video97", "No such file or directory")]
    public void Auto_falls_back_to_x265_with_one_warning_naming_the_device_and_why(string devicePath, string reason)
    {
        var log = new RecordingLogger();

        using var source = Assert.IsType<VideoTsSource>(InputFactory.Open("pattern", loop: false, 0, log, Options(VideoEncoderChoice.Auto, devicePath)));

        Assert.Equal("x265", source.EncoderName);
        Assert.Contains($"[auto: {devicePath} could not be opened]", source.EncoderDetail, StringComparison.Ordinal);
        var warning = Assert.Single(log.Lines, l => l.Level >= LogLevel.Warning);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(devicePath, warning.Message, StringComparison.Ordinal);
        Assert.Contains("encoding with x265 instead", warning.Message, StringComparison.Ordinal);
        Assert.Contains(reason, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', warning.Message);

        // And it encodes: the pattern's frames come out as HEVC access units, the first a keyframe.
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
        source.Run(sink, stop.Token);
        Assert.True(source.AccessUnits > 0, "no access unit came out of x265");
        Assert.True(source.Keyframes >= 1);
        Assert.NotEmpty(sink.Datagrams);
    }

    [Fact]
    public void A_device_named_by_path_is_not_replaced_and_stops_the_start_with_one_line()
    {
        var log = new RecordingLogger();

        var error = Assert.Throws<RistbondException>(() =>
            InputFactory.Open("pattern", loop: false, 0, log, Options(VideoEncoderChoice.Device("/dev/null"), "/dev/null")).Dispose());

        Assert.StartsWith("Could not", error.Message, StringComparison.Ordinal);
        Assert.Contains("/dev/null", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(log.Lines);
    }
}
