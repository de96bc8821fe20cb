using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Ristbond.MpegTs;
using Ristbond.Platform;
using Ristbond.Video;
using Ristbond.Video.V4l2;

namespace Ristbond.Appliance.Cli;

/// <summary>
/// <c>ristbond video devices</c> lists the V4L2 encoders and capture devices found by capability;
/// <c>ristbond video encode</c> streams frames (the test pattern or a capture device) through one hardware encoder
/// and writes what comes out (MPEG-TS for HEVC/H.264, the raw elementary stream otherwise), printing per bitrate
/// segment how large the coded frames were. A field engineer's check of the encoder, and the board's test of it.
/// </summary>
public static partial class VideoCommand
{
    public static Command Create() => new("video", "V4L2 hardware video: list devices, try an encoder")
    {
        CreateDevices(),
        CreateEncode(),
    };

    static Command CreateDevices()
    {
        var command = new Command("devices", "List V4L2 encoders and capture devices found by capability (QUERYCAP, ENUM_FMT)");
        command.SetAction(result =>
        {
            TextWriter output = result.InvocationConfiguration.Output;
            IReadOnlyList<V4l2DeviceInfo> devices = V4l2Discovery.Scan();
            if (devices.Count == 0)
                output.WriteLine("no V4L2 devices under /dev");
            foreach (V4l2DeviceInfo device in devices)
                output.WriteLine(device.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command CreateEncode()
    {
        var device = new Option<string?>("--device", "-d") { Description = "The encoder's /dev/videoN (default: the first found by capability)" };
        var input = new Option<string>("--input", "-i")
        {
            Description = "pattern (test pattern with clock and counter) or v4l2:///dev/videoN (a capture device)",
            DefaultValueFactory = _ => "pattern",
        };
        var output = new Option<string?>("--output", "-o") { Description = "Write the coded stream: FILE.ts (MPEG-TS, HEVC/H.264 only) or any other name (raw elementary stream)" };
        var size = new Option<(int Width, int Height)>("--size")
        {
            Description = "WIDTHxHEIGHT of the frames",
            CustomParser = ParseSize,
            DefaultValueFactory = _ => (640, 360),
        };
        var fps = new Option<int>("--fps") { Description = "Frames per second", DefaultValueFactory = _ => 30 };
        var frames = new Option<int>("--frames", "-n") { Description = "Frames to encode", DefaultValueFactory = _ => 60 };
        var bitrate = new Option<long>("--bitrate")
        {
            Description = "Bitrate at start (k/M suffixes)",
            CustomParser = RistbondCli.ParseBitrate,
            DefaultValueFactory = _ => 2_000_000,
        };
        var bitrateAt = new Option<string[]>("--bitrate-at") { Description = "FRAME:RATE, repeatable: change the bitrate live before that frame" };
        var keyframeAt = new Option<int[]>("--keyframe-at") { Description = "FRAME, repeatable: force a keyframe at that frame" };
        var codecs = new Option<string>("--codec") { Description = "Coded formats to ask for, in order: hevc,h264,fwht", DefaultValueFactory = _ => "hevc,h264,fwht" };
        var gop = new Option<double>("--keyframe-interval") { Description = "Seconds between keyframes", DefaultValueFactory = _ => 2.0 };
        var restart = new Option<bool>("--bitrate-by-restart") { Description = "Apply bitrate changes by restarting the encoder's queues (drivers that accept but ignore live changes)" };
        var noDmabuf = new Option<bool>("--no-dmabuf") { Description = "Copy captured frames into the encoder even where DMABUF import works" };
        var command = new Command("encode", "Encode frames on a V4L2 hardware encoder and report the coded frame sizes")
        {
            device, input, output, size, fps, frames, bitrate, bitrateAt, keyframeAt, codecs, gop, restart, noDmabuf,
        };
        command.SetAction(result =>
        {
            var settings = new EncodeSettings
            {
                Device = result.GetValue(device),
                Input = result.GetValue(input)!,
                Output = result.GetValue(output),
                Width = result.GetValue(size).Width,
                Height = result.GetValue(size).Height,
                FramesPerSecond = result.GetValue(fps),
                Frames = result.GetValue(frames),
                Bitrate = result.GetValue(bitrate),
                BitrateChanges = ParseBitrateChanges(result.GetValue(bitrateAt) ?? []),
                Keyframes = [.. result.GetValue(keyframeAt) ?? []],
                Codecs = ParseCodecs(result.GetValue(codecs)!),
                KeyframeIntervalSeconds = result.GetValue(gop),
                BitrateByRestart = result.GetValue(restart),
                Dmabuf = !result.GetValue(noDmabuf),
            };
            return RunEncode(settings, result.InvocationConfiguration.Output);
        });
        return command;
    }

    internal sealed record EncodeSettings
    {
        public string? Device { get; init; }
        public required string Input { get; init; }
        public string? Output { get; init; }
        public int Width { get; init; }
        public int Height { get; init; }
        public int FramesPerSecond { get; init; }
        public int Frames { get; init; }
        public long Bitrate { get; init; }
        public required SortedDictionary<int, long> BitrateChanges { get; init; }
        public required HashSet<int> Keyframes { get; init; }
        public required IReadOnlyList<V4l2Codec> Codecs { get; init; }
        public double KeyframeIntervalSeconds { get; init; }
        public bool BitrateByRestart { get; init; }
        public bool Dmabuf { get; init; }
    }

    static (int, int) ParseSize(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        string[] parts = text.Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int w) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int h)
            && w >= 16 && h >= 16 && w % 2 == 0 && h % 2 == 0)
            return (w, h);
        result.AddError($"--size '{text}' is not WIDTHxHEIGHT with even numbers of at least 16 (e.g. 1280x720)");
        return (0, 0);
    }

    internal static SortedDictionary<int, long> ParseBitrateChanges(string[] items)
    {
        var changes = new SortedDictionary<int, long>();
        foreach (string item in items)
        {
            int colon = item.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !int.TryParse(item.AsSpan(0, colon), CultureInfo.InvariantCulture, out int frame) || frame < 0
                || !Units.TryParseBitrate(item.AsSpan(colon + 1), out long bps) || bps <= 0)
                throw new RistbondException($"--bitrate-at '{item}' is not FRAME:RATE (e.g. 30:500k)");
            changes[frame] = bps;
        }
        return changes;
    }

    internal static IReadOnlyList<V4l2Codec> ParseCodecs(string text)
    {
        var codecs = new List<V4l2Codec>();
        foreach (string name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            codecs.Add(name.ToLowerInvariant() switch
            {
                "hevc" or "h265" => V4l2Codec.Hevc,
                "h264" or "avc" => V4l2Codec.H264,
                "fwht" => V4l2Codec.Fwht,
                _ => throw new RistbondException($"--codec '{name}' is not hevc, h264 or fwht"),
            });
        }
        if (codecs.Count == 0)
            throw new RistbondException("--codec is empty: name hevc, h264 or fwht");
        return codecs;
    }
}
