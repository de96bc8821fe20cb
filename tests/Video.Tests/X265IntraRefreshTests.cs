using Ristbond.MpegTs;
using AnnexB = Ristbond.Video.Tests.Harness.AnnexB;
using Ristbond.Video.Tests.Harness;

namespace Ristbond.Video.Tests;

/// <summary>
/// Intra refresh judged as a receiver sees it: the pattern through x265 and the TS muxer, decoded by ffmpeg from the
/// start (every frame, not a word on stderr) and from a copy cut at a TS packet boundary in the middle, as a
/// receiver that joins late gets it (a clean picture after at most two full sweeps, by PSNR against the full decode:
/// x265 3.5 lets the first sweep after the join leak a little; see X265Encoder.Parameters.cs).
/// </summary>
public sealed class X265IntraRefreshTests : IDisposable
{
    const int Fps = 30;
    const int Frames = 180;
    const double RefreshSeconds = 1;
    // Clean: what is left after the refresh is rounding in the deblocking and SAO at the refresh boundary, not a
    // picture error. A joined decoder that never recovers stays at 10-25 dB on this pattern.
    const double CleanPsnr = 40;

    static readonly VideoFormat s_format = new(640, 360, PixelFormat.I420, Fps);
    readonly string _directory = Directory.CreateTempSubdirectory("ristbond-x265-refresh-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    sealed class StreamSink : IDatagramSink
    {
        public MemoryStream Bytes { get; } = new();

        public void Send(ReadOnlySpan<byte> datagram) => Bytes.Write(datagram);
    }

    byte[] EncodeTs(X265EncoderOptions options, Action<int, X265Encoder>? beforeFrame, out List<EncodedFrame> frames)
    {
        using var encoder = new X265Encoder(s_format, options);
        frames = EncodedFrame.EncodePattern(encoder, new TestPatternSource(s_format), Frames, i => beforeFrame?.Invoke(i, encoder));
        var sink = new StreamSink();
        var muxer = new VideoMuxer(sink, new VideoMuxerOptions { Codec = VideoCodec.Hevc });
        foreach (EncodedFrame frame in frames)
            muxer.Write(frame.Data, frame.Pts90kHz, frame.Dts90kHz, frame.IsKeyframe);
        muxer.Flush();
        return sink.Bytes.ToArray();
    }

    static X265EncoderOptions Refreshing => new() { InitialBitrate = 1_000_000, KeyframeIntervalSeconds = RefreshSeconds, IntraRefresh = true };

    [Fact]
    public async Task Only_the_first_frame_is_an_idr_and_ffmpeg_decodes_every_frame_without_a_word()
    {
        byte[] ts = EncodeTs(Refreshing, null, out List<EncodedFrame> frames);
        string path = Path.Combine(_directory, "full.ts");
        await File.WriteAllBytesAsync(path, ts, TestContext.Current.CancellationToken);

        var decode = await Tool.RunAsync("/usr/bin/ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-");
        var count = await Tool.RunAsync("/usr/bin/ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path);

        Assert.True(decode.ExitCode == 0 && decode.Stderr.Length == 0, $"ffmpeg: {decode.Stderr}");
        Assert.Equal(Frames.ToString(), count.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim());
        Assert.Equal([0], frames.Select((f, i) => (f, i)).Where(x => x.f.IsKeyframe).Select(x => x.i));
        // Parameter sets in every access unit, after its delimiter: a receiver can start anywhere.
        Assert.All(frames, f => Assert.Equal([AnnexB.AccessUnitDelimiter, AnnexB.Vps, AnnexB.Sps, AnnexB.Pps], AnnexB.NalTypes(f.Data)[..4]));
    }

    [Fact]
    public async Task A_receiver_that_joins_mid_stream_has_a_clean_picture_after_two_sweeps()
    {
        byte[] ts = EncodeTs(Refreshing, null, out _);
        string fullPath = Path.Combine(_directory, "full.ts");
        string cutPath = Path.Combine(_directory, "cut.ts");
        int cutPacket = ts.Length / TsPacket.Size * 45 / 100;
        await File.WriteAllBytesAsync(fullPath, ts, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(cutPath, ts[(cutPacket * TsPacket.Size)..], TestContext.Current.CancellationToken);

        var (full, fullErrors) = await RawVideo.DecodeAsync(fullPath, s_format, _directory);
        var (cut, joinErrors) = await RawVideo.DecodeAsync(cutPath, s_format, _directory);

        Assert.Equal("", fullErrors);
        Assert.Equal(Frames, full.Count);
        Dictionary<long, int> indexOf = full.Select((f, i) => (f.Pts, i)).ToDictionary(x => x.Pts, x => x.i);
        int joined = indexOf[cut[0].Pts];
        int period = (int)(RefreshSeconds * Fps);
        // x265 codes ceil(columns / period) CTU columns (32 pixels, ultrafast) per frame: the sweep's length in frames.
        int columns = (s_format.Width + 31) / 32;
        int sweep = (columns + (columns + period - 1) / period - 1) / ((columns + period - 1) / period);
        // Joined just after a sweep began: the next sweep starts up to a period later, and the one after it cleans.
        int bound = 2 * period + sweep;
        double[] psnr = [.. cut.Select(f => RawVideo.Psnr(full[indexOf[f.Pts]].Luma, f.Luma))];
        int firstClean = Array.FindIndex(psnr, p => p >= CleanPsnr);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"joined at frame {joined} (cut at TS packet {cutPacket}); luma PSNR against the full decode, every 5th frame from there: " +
            string.Join(' ', psnr.Where((_, i) => i % 5 == 0).Select(p => p.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))) +
            $"; clean (>= {CleanPsnr} dB) after {firstClean} frames (refresh period {period}, sweep {sweep}, bound {bound}); decoder on joining: {joinErrors.Split('\n').Length} line(s)");

        Assert.InRange(joined, Frames / 4, Frames * 3 / 4);
        Assert.Equal(cut.Count, Frames - joined);
        Assert.InRange(firstClean, 0, bound);
        Assert.All(psnr[firstClean..], p => Assert.True(p >= CleanPsnr, $"a frame after the picture was clean is at {p:F1} dB"));
    }

    [Fact]
    public void ForceKeyframe_still_makes_a_real_idr_and_the_refresh_goes_on_after_it()
    {
        EncodeTs(Refreshing, (i, encoder) =>
        {
            if (i == 50)
                encoder.ForceKeyframe();
        }, out List<EncodedFrame> frames);

        Assert.Equal([0, 50], frames.Select((f, i) => (f, i)).Where(x => x.f.IsKeyframe).Select(x => x.i));
        Assert.Contains(AnnexB.NalTypes(frames[50].Data), AnnexB.IsIrap);
        Assert.DoesNotContain(AnnexB.NalTypes(frames[51].Data), AnnexB.IsIrap);
    }
}
