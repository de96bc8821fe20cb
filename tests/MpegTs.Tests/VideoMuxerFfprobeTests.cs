using System.Text.Json;
using Ristbond.MpegTs.Tests.Harness;

namespace Ristbond.MpegTs.Tests;

/// <summary>
/// Real video through the muxer, judged by FFmpeg: x265 and x264 encode 50 frames of a test picture to an
/// elementary stream (with and without B-frames), the test cuts it into access units and times them, the muxer
/// makes a .ts of them, and ffprobe must find the codec, all 50 frames and our timestamps, ffmpeg must decode it
/// all without an error, and no continuity counter may break.
/// </summary>
public sealed class VideoMuxerFfprobeTests : IDisposable
{
    const string Ffprobe = "/usr/bin/ffprobe";
    const string Ffmpeg = "/usr/bin/ffmpeg";
    const int FrameCount = 50;
    const long FrameTicks = VideoMuxer.TicksPerSecond / 25;
    const long FirstPts = 10 * VideoMuxer.TicksPerSecond;

    readonly string _directory = Directory.CreateTempSubdirectory("ristbond-mux-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, VideoCodec, string[]> Encodings => new()
    {
        { "hevc", VideoCodec.Hevc, ["-c:v", "libx265", "-x265-params", "bframes=0:keyint=25:log-level=error", "-f", "hevc"] },
        { "hevc-bframes", VideoCodec.Hevc, ["-c:v", "libx265", "-x265-params", "bframes=3:keyint=25:log-level=error", "-f", "hevc"] },
        { "h264", VideoCodec.H264, ["-c:v", "libx264", "-bf", "0", "-g", "25", "-f", "h264"] },
        { "h264-bframes", VideoCodec.H264, ["-c:v", "libx264", "-bf", "3", "-g", "25", "-f", "h264"] },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task Ffmpeg_reads_every_frame_of_the_muxed_stream_with_our_timestamps(string name, VideoCodec codec, string[] encoder)
    {
        string elementary = Path.Combine(_directory, name + ".es");
        var encode = await Tool.RunAsync(Ffmpeg, ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
            "-frames:v", $"{FrameCount}", .. encoder, elementary]);
        Assert.True(encode.ExitCode == 0, $"ffmpeg could not encode {name}: {encode.Stderr}");
        List<TimedUnit> units = await SplitAndTime(elementary, codec);
        bool reordered = units.Any(u => u.Dts != u.Pts);
        Assert.Equal(name.EndsWith("-bframes", StringComparison.Ordinal), reordered); // the B-frame runs do exercise DTS ≠ PTS

        string muxed = Path.Combine(_directory, name + ".ts");
        var sink = new ListSink();
        var muxer = new VideoMuxer(sink, new VideoMuxerOptions { Codec = codec });
        foreach (TimedUnit unit in units)
            muxer.Write(unit.Data, unit.Pts, unit.Dts, unit.Keyframe);
        muxer.Flush();
        File.WriteAllBytes(muxed, [.. sink.Datagrams.SelectMany(d => d)]);

        var probe = await Tool.RunAsync(Ffprobe, "-v", "error", "-count_frames", "-show_programs", "-show_streams", "-show_packets", "-of", "json", muxed);
        Assert.True(probe.ExitCode == 0, $"ffprobe exited {probe.ExitCode}: {probe.Stderr}");
        Assert.Equal("", probe.Stderr.Trim());
        using JsonDocument json = JsonDocument.Parse(probe.Stdout);
        JsonElement program = Assert.Single(json.RootElement.GetProperty("programs").EnumerateArray());
        Assert.Equal((VideoMuxerOptions.DefaultPmtPid, VideoMuxerOptions.DefaultVideoPid), (program.GetProperty("pmt_pid").GetInt32(), program.GetProperty("pcr_pid").GetInt32()));
        JsonElement stream = Assert.Single(json.RootElement.GetProperty("streams").EnumerateArray());
        Assert.Equal(codec == VideoCodec.Hevc ? "hevc" : "h264", stream.GetProperty("codec_name").GetString());
        Assert.Equal("0x100", stream.GetProperty("id").GetString());
        Assert.Equal((320, 240), (stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32()));
        Assert.Equal($"{FrameCount}", stream.GetProperty("nb_read_frames").GetString());
        var packets = json.RootElement.GetProperty("packets").EnumerateArray()
            .Select(p => (Pts: p.GetProperty("pts").GetInt64(), Dts: p.GetProperty("dts").GetInt64(), Key: p.GetProperty("flags").GetString()![0] == 'K'))
            .ToList();
        Assert.Equal(units.Select(u => (u.Pts, u.Dts, u.Keyframe)), packets);

        var decode = await Tool.RunAsync(Ffmpeg, "-nostdin", "-v", "error", "-i", muxed, "-f", "null", "-");
        Assert.True(decode.ExitCode == 0, $"ffmpeg exited {decode.ExitCode}: {decode.Stderr}");
        Assert.Equal("", decode.Stderr.Trim());

        // A decoder conceals a lost slice quietly, so the check that counts: the pictures are the encoder's own.
        Assert.Equal(await DecodedMd5(elementary), await DecodedMd5(muxed));

        // FFmpeg reports continuity breaks at debug level only, so "-v error" above could not see one.
        var debug = await Tool.RunAsync(Ffmpeg, "-nostdin", "-v", "debug", "-i", muxed, "-map", "0", "-c", "copy", "-f", "null", "-");
        Assert.True(debug.ExitCode == 0, $"ffmpeg exited {debug.ExitCode}");
        Assert.DoesNotContain("Continuity check failed", debug.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The MD5 of every decoded picture in display order, timestamps left out.</summary>
    static async Task<string> DecodedMd5(string path)
    {
        var run = await Tool.RunAsync(Ffmpeg, "-nostdin", "-v", "error", "-i", path, "-map", "0:v", "-f", "md5", "-");
        Assert.True(run.ExitCode == 0 && run.Stdout.StartsWith("MD5=", StringComparison.Ordinal), $"ffmpeg could not decode {path}: {run.Stderr}");
        return run.Stdout.Trim();
    }

    sealed record TimedUnit(byte[] Data, long Pts, long Dts, bool Keyframe);

    /// <summary>
    /// Cuts the elementary stream with the test's own splitter, checks the cuts against ffprobe's packets, and times
    /// each access unit. A raw stream has no timestamps, but ffprobe lists the decoded frames in display order with the
    /// file position of the packet each came from: that gives every access unit its display slot, so its PTS, while
    /// the DTS counts decode order, held back by the deepest reordering so that it is never after the PTS.
    /// </summary>
    async Task<List<TimedUnit>> SplitAndTime(string elementary, VideoCodec codec)
    {
        var probe = await Tool.RunAsync(Ffprobe, "-v", "error", "-show_packets", "-show_frames",
            "-show_entries", "packet=pos,size,flags:frame=pkt_pos", "-of", "json", elementary);
        Assert.True(probe.ExitCode == 0, $"ffprobe exited {probe.ExitCode}: {probe.Stderr}");
        using JsonDocument json = JsonDocument.Parse(probe.Stdout);
        // Asked for both, ffprobe interleaves them in one list as it reads and decodes.
        List<JsonElement> entries = [.. json.RootElement.GetProperty("packets_and_frames").EnumerateArray()];
        var packets = entries.Where(e => e.GetProperty("type").GetString() == "packet")
            .Select(p => (Pos: Number(p, "pos"), Size: Number(p, "size"), Key: p.GetProperty("flags").GetString()![0] == 'K'))
            .ToList();
        List<long> displayOrder = [.. entries.Where(e => e.GetProperty("type").GetString() == "frame").Select(f => Number(f, "pkt_pos"))];

        byte[] stream = File.ReadAllBytes(elementary);
        List<AccessUnitSplitter.AccessUnit> units = AccessUnitSplitter.Split(stream, codec);

        // FFmpeg's H.264 parser cuts before a 4-byte start code, which keeps the zero_byte with the NAL unit it opens
        // as H.264 §B.1 and our splitter do; its HEVC parser cuts at the 00 00 01 and leaves that byte behind.
        long[] cuts = [.. units.Select((u, i) => i == 0 || codec == VideoCodec.H264 ? u.Offset : u.Offset + AnnexB.StartCodeLength(u.Data) - 3)];
        Assert.Equal(FrameCount, units.Count);
        Assert.Equal(packets.Select(p => (p.Pos, p.Key)), cuts.Zip(units, (cut, u) => (cut, u.Keyframe)));
        Assert.Equal(stream.Length, packets.Sum(p => p.Size));
        Assert.Equal(stream, units.SelectMany(u => u.Data));
        Assert.Equal(FrameCount, displayOrder.Count);
        int[] display = [.. cuts.Select(cut => displayOrder.IndexOf(cut))];
        int delay = display.Select((shown, decoded) => decoded - shown).Max();
        return [.. units.Select((u, i) => new TimedUnit(u.Data, FirstPts + display[i] * FrameTicks, FirstPts + (i - delay) * FrameTicks, u.Keyframe))];
    }

    /// <summary>ffprobe writes most numbers in its JSON as strings.</summary>
    static long Number(JsonElement element, string name)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : value.GetInt64();
    }
}
