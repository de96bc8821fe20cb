using System.Globalization;
using System.Net;
using System.Text.Json;
using Ristbond.EndToEnd.Tests.Harness;
using Ristbond.LinkEmulator;
using Ristbond.Platform;

namespace Ristbond.EndToEnd.Tests;

/// <summary>
/// <c>send -i pattern</c>: ristbond draws, encodes (libx265) and muxes the video itself. What librist's
/// ristreceiver delivers must decode in ffmpeg frame for frame, and its rate must follow the encoder's bitrate.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class VideoSendTests
{
    /// <summary>The receiver, the links into it and a recorder of what it delivers.</summary>
    sealed class VideoPath : IDisposable
    {
        public VideoPath(params (string Name, DirectionProfile Up, DirectionProfile Down)[] links)
        {
            int receiverPort = Ports.FreeUdp();
            Recorder = new UdpRecorder();
            Receiver = new RistReceiver(receiverPort, Recorder.Port, BondedSetup.ReorderWindow);
            var target = new IPEndPoint(IPAddress.Loopback, receiverPort);
            Links = [.. links.Select((l, i) => new EmulatedLink(l.Name, new IPEndPoint(IPAddress.Loopback, 0), target, l.Up, l.Down, (ulong)i + 11))];
            foreach (EmulatedLink link in Links)
                link.Start();
        }

        public UdpRecorder Recorder { get; }
        public RistReceiver Receiver { get; }
        public IReadOnlyList<EmulatedLink> Links { get; }
        public string Outputs => string.Join(',', Links.Select(l => BondedSetup.UrlThrough(l)));

        public void Dispose()
        {
            foreach (EmulatedLink link in Links)
                link.Dispose();
            Receiver.Dispose();
            Recorder.Dispose();
        }
    }

    static DirectionProfile Up(long bps, int delayMs, double loss = 0) => new() { RateBps = bps, DelayMs = delayMs, QueueMs = 250, Loss = loss };
    static DirectionProfile Down(int delayMs) => new() { DelayMs = delayMs };

    static JsonElement Encoder(JsonElement stats) => stats.GetProperty("encoder");

    static void StopAndWait(RistbondProcess sender)
    {
        sender.Process.Interrupt();
        Assert.True(sender.Process.WaitForExit(TimeSpan.FromSeconds(5)), "ristbond did not stop within 5 s of SIGINT\n" + sender.Transcript());
        Assert.True(sender.Process.ExitCode == 0, $"ristbond exited {sender.Process.ExitCode}\n{sender.Transcript()}");
        Thread.Sleep(2500); // the receiver's 1 s buffer, and its last retransmissions
    }

    static string Tool(string program, params string[] arguments)
    {
        using var process = new ChildProcess(program, program == "ffmpeg" ? ["-nostdin", .. arguments] : arguments);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), process.Transcript());
        Assert.True(process.ExitCode == 0 && !process.Stderr.Any(), process.Transcript());
        return string.Join('\n', process.Stdout);
    }

    [Fact]
    public void Pattern_over_three_lossy_links_decodes_frame_for_frame()
    {
        using var path = new VideoPath(
            ("a", Up(4_000_000, 20, 0.005), Down(20)),
            ("b", Up(4_000_000, 40, 0.005), Down(40)),
            ("c", Up(4_000_000, 60, 0.005), Down(60)));
        using var sender = new RistbondProcess("send", "-i", "pattern", "--video-size", "640x360", "--fps", "30", "--encoder", "x265",
            "--bitrate", "2M", "--min-bitrate", "2M", "--max-bitrate", "2M", "-o", path.Outputs);
        Assert.True(sender.WaitForStats(s => s.TryGetProperty("encoder", out JsonElement e) && e.GetProperty("frames").GetInt64() >= 150, TimeSpan.FromSeconds(30)),
            "150 frames were not sent within 30 s\n" + sender.Transcript());
        JsonElement encoder = Encoder(sender.Stats[^1]);
        Assert.Equal("hevc", encoder.GetProperty("codec").GetString());
        Assert.Equal("x265", encoder.GetProperty("encoder").GetString());
        Assert.Equal(640, encoder.GetProperty("width").GetInt32());
        Assert.Equal(2_000_000, encoder.GetProperty("bitrate_bps").GetInt64());
        StopAndWait(sender);

        // "video: N frames sent (K keyframes, S skipped)" at exit: every one of them must decode at the receiver.
        string summary = sender.Process.Stderr.Last(l => l.Contains("frames sent", StringComparison.Ordinal));
        long sent = long.Parse(summary[(summary.IndexOf("video: ", StringComparison.Ordinal) + 7)..].Split(' ')[0], CultureInfo.InvariantCulture);
        string file = Path.Combine(Path.GetTempPath(), $"ristbond-e2e-pattern-{Environment.ProcessId}.ts");
        try
        {
            path.Recorder.WriteTo(file);
            Tool("ffmpeg", "-v", "error", "-i", file, "-f", "null", "-");
            string probe = Tool("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "default=nw=1", file);
            Assert.Contains("codec_name=hevc", probe, StringComparison.Ordinal);
            Assert.Contains("width=640", probe, StringComparison.Ordinal);
            Assert.Contains($"nb_read_frames={sent}", probe, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
        Assert.True(path.Receiver.Lost == 0, $"ristreceiver lost {path.Receiver.Lost}\n{path.Receiver.Transcript()}");
        Assert.True(path.Links.Sum(l => l.UpCounters.PacketsLost) > 0, "the links lost nothing, so recovery was not exercised");
    }

    [Fact]
    public void The_rate_at_the_receiver_follows_the_encoder_bitrate()
    {
        const long high = 3_000_000, low = 1_000_000;
        using var path = new VideoPath(("a", Up(10_000_000, 20), Down(20)), ("b", Up(10_000_000, 30), Down(30)));
        using var sender = new RistbondProcess("send", "-i", "pattern", "--video-size", "640x360", "--static-weights", "--encoder", "auto",
            "--bitrate", "3M", "-o", path.Outputs);
        Assert.True(sender.WaitForStats(s => s.TryGetProperty("encoder", out JsonElement e) && e.GetProperty("frames").GetInt64() >= 180, TimeSpan.FromSeconds(30)),
            "180 frames were not sent within 30 s\n" + sender.Transcript());
        // auto: this machine has no V4L2 HEVC/H.264 encoder, so the software encoder is chosen, and the log says why.
        Assert.Equal("x265", Encoder(sender.Stats[^1]).GetProperty("encoder").GetString());
        Assert.Contains(sender.Process.Stderr, l => l.Contains("through x265 (software, ", StringComparison.Ordinal)
            && l.Contains(") [auto: no V4L2 HEVC/H.264 encoder found]", StringComparison.Ordinal));

        long change = MonotonicClock.NowNanos;
        Assert.Equal("ok", sender.Control("bitrate 1M"));
        Assert.True(sender.WaitForStats(s => Encoder(s).GetProperty("bitrate_bps").GetInt64() == low, TimeSpan.FromSeconds(3)), sender.Transcript());
        Thread.Sleep(TimeSpan.FromSeconds(6));

        // The receiver holds 1 s of buffer: its output lags the sender by that, plus the encoder's 0.5 s VBV.
        const long second = MonotonicClock.NanosPerSecond;
        double before = path.Recorder.RateBps(change - 3 * second, change);
        double after = path.Recorder.RateBps(change + 3 * second, change + 6 * second);
        TestContext.Current.TestOutputHelper?.WriteLine($"at the receiver: {before / 1e6:F2} Mbit/s at 3M, {after / 1e6:F2} Mbit/s at 1M");
        // TS and PES headers, tables, and the null packets that complete each frame's last datagram (sent at once,
        // for latency) add 5-20% at these rates.
        Assert.InRange(before, high * 0.8, high * 1.25);
        Assert.InRange(after, low * 0.8, low * 1.35);
        StopAndWait(sender);
    }
}
