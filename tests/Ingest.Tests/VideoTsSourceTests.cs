using System.Globalization;
using Ristbond.Ingest.Tests.Harness;
using Ristbond.MpegTs;
using Ristbond.MpegTs.Tests.Harness;
using Ristbond.Video;

namespace Ristbond.Ingest.Tests;

/// <summary>
/// The video send path with the real parts (the pattern, libx265, the muxer) on a simulated clock: what comes out
/// decodes frame by frame in ffmpeg, a frame's datagrams are handed on as soon as they are muxed (the stream pacer
/// spreads them, not the frame path), a bitrate request
/// made between two frames shapes the very next one, and the frame path allocates nothing.
/// </summary>
public sealed class VideoTsSourceTests
{
    const int Fps = 30;
    const long FrameNanos = 1_000_000_000 / Fps;
    static readonly VideoFormat s_format = new(320, 240, PixelFormat.I420, Fps);

    static VideoTsSource Open(SimulatedClock clock, int frames, long bitrate, Action<int>? beforeFrame = null, double keyframeSeconds = 2, bool intraRefresh = false) =>
        Open(clock, frames, bitrate, beforeFrame, keyframeSeconds, intraRefresh, out _);

    static VideoTsSource Open(SimulatedClock clock, int frames, long bitrate, Action<int>? beforeFrame, double keyframeSeconds, bool intraRefresh, out IVideoEncoder encoder)
    {
        encoder = VideoEncoderFactory.Open(VideoEncoderChoice.Parse("x265"), s_format,
            new VideoEncoderSettings { InitialBitrate = bitrate, MaximumBitrate = 8_000_000, KeyframeIntervalSeconds = keyframeSeconds, IntraRefresh = intraRefresh });
        var pattern = new PatternFrameSource(s_format, clock);
        return new VideoTsSource(new CountedFrames(pattern, frames, beforeFrame), encoder, VideoEncoderFactory.NameOf(encoder), clock);
    }

    /// <summary>Size, keyframe flag and PTS of every video packet, as ffprobe reads the stream.</summary>
    static async Task<List<(int Size, bool Key, long Pts)>> ProbePackets(string path)
    {
        Tool.Result probe = await Tool.RunAsync("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=size,flags,pts", "-of", "csv=p=0", path);
        Assert.True(probe.ExitCode == 0, probe.Stderr);
        return [.. probe.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            string[] fields = line.Split(',');
            return (int.Parse(fields[1], CultureInfo.InvariantCulture), fields[2].StartsWith('K'), long.Parse(fields[0], CultureInfo.InvariantCulture));
        })];
    }

    [Fact]
    public async Task Every_frame_decodes_and_each_frame_is_handed_on_when_it_is_encoded()
    {
        const int frames = 45;
        var clock = new SimulatedClock();
        var sink = new SimulatedTimeSink(clock);
        using VideoTsSource source = Open(clock, frames, 1_000_000);
        long start = clock.NowNanos;
        source.Run(sink, CancellationToken.None);

        string path = Path.Combine(Path.GetTempPath(), $"ristbond-video-{Environment.ProcessId}-paced.ts");
        try
        {
            await File.WriteAllBytesAsync(path, sink.Stream(), TestContext.Current.CancellationToken);
            Tool.Result decode = await Tool.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-");
            Assert.True(decode.ExitCode == 0 && decode.Stderr.Length == 0, $"ffmpeg: {decode.Stderr}");
            var packets = await ProbePackets(path);
            Assert.Equal(frames, packets.Count);
            Assert.True(packets[0].Key, "the stream does not open with a keyframe");
            Assert.Equal(Enumerable.Range(0, frames).Select(i => s_format.FrameTime90kHz(i)), packets.Select(p => p.Pts - packets[0].Pts));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(frames, source.AccessUnits);
        Assert.Equal(sink.Datagrams.Count, source.Datagrams);
        Assert.Equal(sink.Datagrams.Count * (long)TsPacket.DatagramSize, source.Bytes);
        // Frame i is captured at start + i frame intervals and encoding takes no simulated time: every datagram of a
        // frame, a keyframe's too, is handed on at its capture instant. Holding them back is the pacer's business.
        var byFrame = sink.Datagrams.GroupBy(d => d.Nanos - start).ToList();
        Assert.Equal(frames, byFrame.Count);
        const double frame = 1e9 / Fps;
        Assert.All(byFrame, f => Assert.InRange(Math.Abs(f.Key - Math.Round(f.Key / frame) * frame), 0, 1));
        Assert.True(byFrame[0].Count() >= 10, $"the keyframe is only {byFrame[0].Count()} datagrams");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_bitrate_drop_asked_for_between_two_frames_shapes_the_next_frames_without_a_keyframe(bool intraRefresh)
    {
        const int frames = 80, changeAt = 40;
        const long high = 2_000_000, low = 300_000;
        var clock = new SimulatedClock();
        var sink = new SimulatedTimeSink(clock);
        VideoTsSource? source = null;
        long askedFor = 0;
        // The control loop's thread asks; the frame thread hands x265 the new rate before its next frame (live, no
        // reopen, no IDR), so the frames after the request already shrink.
        source = Open(clock, frames, high, i =>
        {
            if (i == changeAt)
            {
                Task.Run(() => source!.FollowBitrate(low), TestContext.Current.CancellationToken).Wait(TestContext.Current.CancellationToken);
                askedFor = source!.BitrateBps;
            }
        }, keyframeSeconds: 10, intraRefresh, out IVideoEncoder encoder);
        using (source)
            source.Run(sink, CancellationToken.None);
        Assert.Equal(low, askedFor);
        Assert.Equal(low, ((X265Encoder)encoder).AppliedBitrate);

        string path = Path.Combine(Path.GetTempPath(), $"ristbond-video-{Environment.ProcessId}-drop.ts");
        try
        {
            await File.WriteAllBytesAsync(path, sink.Stream(), TestContext.Current.CancellationToken);
            var packets = await ProbePackets(path);
            Assert.Equal(frames, packets.Count);
            Assert.Equal([0], packets.Select((p, i) => (p, i)).Where(x => x.p.Key).Select(x => x.i));
            double before = packets[20..changeAt].Average(p => p.Size) * 8 * Fps;
            double after = packets[(changeAt + 10)..].Average(p => p.Size) * 8 * Fps;
            TestContext.Current.TestOutputHelper?.WriteLine($"before {before / 1000:F0} kbit/s, after {after / 1000:F0} kbit/s");
            Assert.InRange(before, high * 0.6, high * 1.3);
            Assert.InRange(after, low * 0.4, low * 1.3);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_frame_path_allocates_nothing_in_steady_state(bool intraRefresh)
    {
        const int warmUp = 30, frames = 130;
        long before = 0, after = 0;
        var clock = new SimulatedClock();
        // Frames 30..129 include the keyframe due at frame 60, or with intra refresh the sweeps starting at 60 and 120
        // and parameter sets copied into every access unit; bitrate changes at 70 and 100. The warm-up has changes too:
        // the first one in a process allocates once (32 bytes, with intra refresh).
        VideoTsSource? source = null;
        source = Open(clock, frames, 1_000_000, i =>
        {
            if (i == warmUp)
                before = GC.GetAllocatedBytesForCurrentThread();
            if (i is 10 or 20 or 70 or 100)
                source!.FollowBitrate(i is 10 or 70 ? 600_000 : 1_000_000);
            if (i == frames - 1)
                after = GC.GetAllocatedBytesForCurrentThread();
        }, intraRefresh: intraRefresh);
        using (source)
        {
            var sink = new CountingSink();
            source.Run(sink, CancellationToken.None);
            Assert.Equal(frames, source.AccessUnits);
            Assert.True(source.Keyframes >= (intraRefresh ? 1 : 2), $"only {source.Keyframes} keyframe(s): the measured frames did not include one");
        }
        Assert.Equal(0, after - before);
    }
}
