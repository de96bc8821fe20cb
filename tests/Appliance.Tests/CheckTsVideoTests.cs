using System.Buffers.Binary;
using System.Text.Json;
using Ristbond.Appliance.Cli;
using Ristbond.MpegTs;

namespace Ristbond.Appliance.Tests;

/// <summary>
/// `ristbond check-ts --video`: a video TS as the muxer writes it (FWHT frames as vicodec makes them, HEVC access
/// units) judged per PID: frames delivered, keyframes, continuity, frames missing from the PTS. The damaged file
/// loses one frame's datagrams whole, as an unrecovered RIST loss would.
/// </summary>
public sealed class CheckTsVideoTests : IDisposable
{
    const int Frames = 45;
    const int Fps = 15;
    const int Gop = 15;
    readonly string _directory = Directory.CreateTempSubdirectory("check-ts-video-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static (int Code, JsonElement Report, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = RistbondCli.Run(args, error, output);
        Assert.True(output.ToString().Length > 0, $"no report; stderr: {error}");
        return (code, JsonDocument.Parse(output.ToString()).RootElement.Clone(), error.ToString());
    }

    /// <summary>An FWHT frame: vicodec's header (magic, version, size, I-frame flag) and a body of its size.</summary>
    static byte[] FwhtFrame(int size, bool keyframe)
    {
        byte[] frame = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, 0x4f4f4f4f);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), 0xffffffff);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), 3);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), 320);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(16), 180);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(20), keyframe ? 1u << 10 : 0);
        for (int i = 44; i < size; i++)
            frame[i] = (byte)(i * 7);
        return frame;
    }

    /// <summary>An HEVC access unit: one IDR or trailing slice NAL unit behind a start code.</summary>
    static byte[] HevcAccessUnit(int size, bool keyframe)
    {
        byte[] unit = new byte[size];
        unit[3] = 1;
        unit[4] = (byte)((keyframe ? 19 : 1) << 1);
        unit[5] = 1;
        for (int i = 6; i < size; i++)
            unit[i] = (byte)(1 + i % 250);
        return unit;
    }

    /// <summary>Muxes the frames, flushing after each, and returns each frame's datagrams.</summary>
    static List<List<byte[]>> Mux(VideoCodec codec)
    {
        var sink = new FrameSink();
        var muxer = new VideoMuxer(sink, new VideoMuxerOptions { Codec = codec });
        for (int i = 0; i < Frames; i++)
        {
            bool keyframe = i % Gop == 0;
            int size = keyframe ? 20_000 : 4_000 + i * 100;
            byte[] frame = codec == VideoCodec.Fwht ? FwhtFrame(size, keyframe) : HevcAccessUnit(size, keyframe);
            muxer.Write(frame, 90_000 + i * (VideoMuxer.TicksPerSecond / Fps), keyframe);
            muxer.Flush();
            sink.EndFrame();
        }
        return sink.Frames;
    }

    string Write(string name, IEnumerable<List<byte[]>> frames)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, frames.SelectMany(f => f).SelectMany(d => d).ToArray());
        return path;
    }

    [Fact]
    public void A_clean_fwht_file_reports_every_frame_keyframe_and_the_fwht_stream()
    {
        List<List<byte[]>> frames = Mux(VideoCodec.Fwht);

        (int code, JsonElement report, _) = Run("check-ts", "--video", Write("clean.ts", frames));

        Assert.Equal(0, code);
        Assert.Equal(0, report.GetProperty("cc_errors").GetInt64());
        Assert.Equal(frames.Sum(f => f.Count) * TsPacket.DatagramSize, report.GetProperty("bytes").GetInt64());
        JsonElement stream = Assert.Single(report.GetProperty("streams").EnumerateArray());
        Assert.Equal(VideoMuxerOptions.DefaultVideoPid, stream.GetProperty("pid").GetInt32());
        Assert.Equal(0x06, stream.GetProperty("stream_type").GetInt32());
        Assert.Equal("FWHT", stream.GetProperty("format").GetString());
        Assert.Equal(Frames, stream.GetProperty("pes").GetInt64());
        Assert.Equal(Frames / Gop, stream.GetProperty("keyframes").GetInt64());
        Assert.Equal(VideoMuxer.TicksPerSecond / Fps, stream.GetProperty("frame_ticks").GetInt64());
        Assert.Equal(0, stream.GetProperty("missing_frames").GetInt64());
        Assert.Equal((Frames - 1) / (double)Fps, stream.GetProperty("pts_seconds").GetDouble(), 3);
        Assert.True(stream.GetProperty("pes_bytes").GetInt64() > Frames * 4_000);
    }

    [Fact]
    public void A_frame_lost_whole_shows_as_one_missing_frame_and_a_continuity_break()
    {
        List<List<byte[]>> frames = Mux(VideoCodec.Fwht);
        frames.RemoveAt(20);

        (_, JsonElement report, _) = Run("check-ts", "--video", Write("lost.ts", frames));

        JsonElement stream = Assert.Single(report.GetProperty("streams").EnumerateArray());
        Assert.Equal(Frames - 1, stream.GetProperty("pes").GetInt64());
        Assert.Equal(1, stream.GetProperty("missing_frames").GetInt64());
        Assert.Equal(1, stream.GetProperty("longest_gap_frames").GetInt64());
        Assert.Equal(1, stream.GetProperty("cc_errors").GetInt64());
        Assert.True(report.GetProperty("cc_errors").GetInt64() >= 1);
    }

    [Fact]
    public void An_hevc_file_reports_its_stream_type_and_no_format()
    {
        (_, JsonElement report, _) = Run("check-ts", "--video", Write("hevc.ts", Mux(VideoCodec.Hevc)));

        JsonElement stream = Assert.Single(report.GetProperty("streams").EnumerateArray());
        Assert.Equal(0x24, stream.GetProperty("stream_type").GetInt32());
        Assert.False(stream.TryGetProperty("format", out _));
        Assert.Equal(Frames, stream.GetProperty("pes").GetInt64());
    }

    [Fact]
    public void A_file_that_is_not_ts_is_refused_naming_it()
    {
        string path = Path.Combine(_directory, "text.ts");
        File.WriteAllText(path, new string('x', 2000));
        var error = new StringWriter();

        int code = RistbondCli.Run(["check-ts", "--video", path], error, new StringWriter());

        Assert.NotEqual(0, code);
        Assert.Contains($"check-ts {path}: not MPEG-TS", error.ToString());
    }

    sealed class FrameSink : IDatagramSink
    {
        List<byte[]> _current = [];

        public List<List<byte[]>> Frames { get; } = [];

        public void Send(ReadOnlySpan<byte> datagram) => _current.Add(datagram.ToArray());

        public void EndFrame()
        {
            Frames.Add(_current);
            _current = [];
        }
    }
}
