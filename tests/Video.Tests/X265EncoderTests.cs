using System.Text.Json;
using Ristbond.Video.Tests.Harness;

namespace Ristbond.Video.Tests;

/// <summary>The encoder's output judged by FFmpeg: what ffprobe counts and what the HEVC decoder complains about.</summary>
public sealed class X265EncoderTests : IDisposable
{
    const string Ffprobe = "/usr/bin/ffprobe";
    const string Ffmpeg = "/usr/bin/ffmpeg";
    const int Frames = 60;

    readonly string _directory = Directory.CreateTempSubdirectory("ristbond-x265-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static VideoFormat Small(PixelFormat pixelFormat = PixelFormat.I420) => new(320, 240, pixelFormat, 30);

    string Encode(PixelFormat pixelFormat, out List<EncodedFrame> frames)
    {
        VideoFormat format = Small(pixelFormat);
        using var encoder = new X265Encoder(format, new X265EncoderOptions { InitialBitrate = 500_000 });
        frames = EncodedFrame.EncodePattern(encoder, new TestPatternSource(format), Frames);
        string path = Path.Combine(_directory, $"pattern-{pixelFormat}.hevc");
        File.WriteAllBytes(path, [.. frames.SelectMany(f => f.Data)]);
        return path;
    }

    [Theory]
    [InlineData(PixelFormat.I420)]
    [InlineData(PixelFormat.Nv12)]
    public async Task Ffprobe_counts_every_frame_as_hevc(PixelFormat pixelFormat)
    {
        string path = Encode(pixelFormat, out List<EncodedFrame> frames);

        var probe = await Tool.RunAsync(Ffprobe, "-v", "error", "-count_frames", "-show_streams", "-of", "json", path);

        Assert.True(probe.ExitCode == 0, $"ffprobe exited {probe.ExitCode}: {probe.Stderr}");
        Assert.Equal(Frames, frames.Count);
        using JsonDocument json = JsonDocument.Parse(probe.Stdout);
        JsonElement stream = Assert.Single(json.RootElement.GetProperty("streams").EnumerateArray());
        Assert.Equal("hevc", stream.GetProperty("codec_name").GetString());
        Assert.Equal(320, stream.GetProperty("width").GetInt32());
        Assert.Equal(240, stream.GetProperty("height").GetInt32());
        Assert.Equal("yuv420p", stream.GetProperty("pix_fmt").GetString());
        Assert.Equal(Frames.ToString(), stream.GetProperty("nb_read_frames").GetString());
    }

    [Theory]
    [InlineData(PixelFormat.I420)]
    [InlineData(PixelFormat.Nv12)]
    public async Task Ffmpeg_decodes_the_stream_without_a_word(PixelFormat pixelFormat)
    {
        string path = Encode(pixelFormat, out _);

        var decode = await Tool.RunAsync(Ffmpeg, "-nostdin", "-v", "error", "-i", path, "-f", "null", "-");

        Assert.True(decode.ExitCode == 0, $"ffmpeg exited {decode.ExitCode}: {decode.Stderr}");
        Assert.Equal("", decode.Stderr.Trim());
        Assert.Equal("", decode.Stdout.Trim());
    }

    [Fact]
    public void Timestamps_are_90kHz_and_the_capture_time_is_carried_through()
    {
        Encode(PixelFormat.I420, out List<EncodedFrame> frames);

        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal(i * 3000L, frames[i].Pts90kHz);
            Assert.Equal(frames[i].Pts90kHz, frames[i].Dts90kHz);
            Assert.Equal(1_000_000_000 + i * (long)(1e9 / 30), frames[i].CaptureNanos);
        }
    }

    [Fact]
    public void Every_access_unit_starts_with_a_delimiter_and_the_first_is_an_idr_with_parameter_sets()
    {
        Encode(PixelFormat.I420, out List<EncodedFrame> frames);

        Assert.All(frames, f => Assert.Equal(AnnexB.AccessUnitDelimiter, AnnexB.NalTypes(f.Data)[0]));
        List<int> first = AnnexB.NalTypes(frames[0].Data);
        Assert.True(frames[0].IsKeyframe);
        Assert.Contains(AnnexB.Vps, first);
        Assert.Contains(AnnexB.Sps, first);
        Assert.Contains(AnnexB.Pps, first);
        Assert.Contains(first, AnnexB.IsIrap);
    }

    [Fact]
    public void ForceKeyframe_makes_the_next_frame_an_irap_with_parameter_sets()
    {
        VideoFormat format = Small();
        using var encoder = new X265Encoder(format, new X265EncoderOptions { KeyframeIntervalSeconds = 10 });
        List<EncodedFrame> frames = EncodedFrame.EncodePattern(encoder, new TestPatternSource(format), 30, beforeFrame: i =>
        {
            if (i == 17)
                encoder.ForceKeyframe();
        });

        for (int i = 1; i < frames.Count; i++)
        {
            List<int> types = AnnexB.NalTypes(frames[i].Data);
            bool irap = types.Exists(AnnexB.IsIrap);
            Assert.True(irap == (i == 17), $"frame {i}: NAL types {string.Join(',', types)}");
            Assert.Equal(irap, frames[i].IsKeyframe);
            if (irap)
                Assert.Contains(AnnexB.Sps, types);
        }
    }

    [Fact]
    public void A_frame_of_the_wrong_size_is_refused_naming_the_expected_size()
    {
        using var encoder = new X265Encoder(Small());

        var error = Assert.Throws<ArgumentException>(() => encoder.Encode(new byte[320 * 240], 0, out _));

        Assert.Contains("115200", error.Message);
        Assert.Contains("320x240", error.Message);
        Assert.Contains("76800", error.Message);
    }

    [Fact]
    public void Bitrate_requests_are_clamped_to_the_usable_range_and_bad_options_refused()
    {
        using var encoder = new X265Encoder(Small(), new X265EncoderOptions { MaximumBitrate = 4_000_000 });

        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.SetBitrate(0));
        encoder.SetBitrate(1_000_000_000);
        Assert.Equal(4_000_000, encoder.TargetBitrate);
        encoder.SetBitrate(1);
        Assert.Equal(X265Encoder.MinimumBitrate, encoder.TargetBitrate);
        Assert.Throws<ArgumentException>(() => new X265Encoder(Small(), new X265EncoderOptions { Preset = "veryslow" }));
        Assert.Throws<ArgumentException>(() => new X265Encoder(Small(), new X265EncoderOptions { LatencyBudgetMilliseconds = 5000 }));
    }
}
