using Ristbond.EndToEnd.Tests.Harness;
using Ristbond.LinkEmulator;

namespace Ristbond.EndToEnd.Tests;

/// <summary>
/// ffmpeg's own rist input as the receiver: an HEVC file sent through ristbond over two lossy links must decode
/// to exactly the frames the file decodes to locally (frame by frame MD5).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class FfmpegReceiverTests
{
    const int Frames = 100;

    [Fact]
    public void Ffmpeg_rist_input_decodes_every_frame_of_a_bonded_hevc_stream()
    {
        string directory = Directory.CreateTempSubdirectory("ristbond-ffmpeg-").FullName;
        try
        {
            string source = Path.Combine(directory, "source.ts");
            // Zero-latency HEVC: no frame reordering, so the decoder hands out each frame as soon as it has it.
            Run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "4",
                "-c:v", "libx265", "-preset", "ultrafast", "-tune", "zerolatency", "-x265-params", "keyint=25:log-level=error",
                "-b:v", "2M", "-f", "mpegts", source);
            string[] expected = FrameHashes(Run("ffmpeg", "-v", "error", "-i", source, "-map", "0:v", "-f", "framemd5", "-"));
            Assert.Equal(Frames, expected.Length);

            int receiverPort = Ports.FreeUdp();
            string received = Path.Combine(directory, "received.md5");
            using var ffmpeg = new ChildProcess("ffmpeg",
                ["-v", "error", "-y", "-analyzeduration", "500000", "-probesize", "200000", "-i", $"rist://@127.0.0.1:{receiverPort}",
                 "-map", "0:v", "-frames:v", $"{Frames}", "-f", "framemd5", received]);
            var target = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, receiverPort);
            var any = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0);
            using var a = new EmulatedLink("a", any, target, new DirectionProfile { RateBps = 4_000_000, DelayMs = 20, Loss = 0.01 }, new DirectionProfile { DelayMs = 20 }, 7);
            using var b = new EmulatedLink("b", any, target, new DirectionProfile { RateBps = 4_000_000, DelayMs = 50, Loss = 0.01 }, new DirectionProfile { DelayMs = 50 }, 8);
            a.Start();
            b.Start();

            // Looping pushes the first pass out of ffmpeg's demuxer, which holds a PES until the next one starts.
            using var sender = new RistbondProcess("send", "-i", source, "--loop",
                "-o", $"{BondedSetup.UrlThrough(a)},{BondedSetup.UrlThrough(b)}");
            Assert.True(ffmpeg.WaitForExit(TimeSpan.FromSeconds(30)), "ffmpeg did not decode 100 frames within 30 s\n" + ffmpeg.Transcript() + "\n" + sender.Transcript());
            Assert.True(ffmpeg.ExitCode == 0, ffmpeg.Transcript());

            string[] actual = FrameHashes(File.ReadAllText(received));
            Assert.Equal(expected, actual);
            Assert.True(a.UpCounters.PacketsLost + b.UpCounters.PacketsLost > 0, "the links lost nothing, so recovery was not exercised");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    static string[] FrameHashes(string framemd5) =>
        [.. framemd5.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(',')[^1].Trim())];

    static string Run(string program, params string[] arguments)
    {
        using var process = new ChildProcess(program, arguments);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), process.Transcript());
        Assert.True(process.ExitCode == 0, process.Transcript());
        return string.Join('\n', process.Stdout);
    }
}
