using System.Net;
using System.Net.Sockets;
using Ristbond.EndToEnd.Tests.Harness;

namespace Ristbond.EndToEnd.Tests;

/// <summary>
/// Every kind of bad input ends the same way: exactly one line on stderr, "ristbond: …", naming the culprit, and a
/// non-zero exit code. Run against the NativeAOT binary.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BadInputTests
{
    static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(20);

    /// <param name="beforeStreaming">True when the error must come before anything else is printed (all checks that
    /// need no receiver); false when progress lines may precede it.</param>
    static void AssertOneLineError(string[] arguments, int exitCode, string[] mustContain, IDictionary<string, string>? environment = null, bool beforeStreaming = true)
    {
        var (code, _, stderr) = RistbondProcess.RunToExit(arguments, s_exitTimeout, environment);
        string[] errors = stderr.Where(l => l.StartsWith("ristbond:", StringComparison.Ordinal)).ToArray();
        string all = string.Join('\n', stderr);
        Assert.True(errors.Length == 1 && stderr[^1] == errors[0], $"expected exactly one 'ristbond:' line, last on stderr, got:\n{all}");
        Assert.True(!beforeStreaming || stderr.Length == 1, $"expected nothing but the error on stderr, got:\n{all}");
        Assert.DoesNotContain(stderr, l => l.Contains("Exception", StringComparison.Ordinal) || l.Contains(" ERROR ", StringComparison.Ordinal));
        Assert.Equal(exitCode, code);
        foreach (string culprit in mustContain)
            Assert.Contains(culprit, errors[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rist://127.0.0.1", "missing port")]
    [InlineData("rist://127.0.0.1:70000", "port '70000'")]
    [InlineData("rist://127.0.0.1:5000?wieght=5", "unknown parameter 'wieght'")]
    [InlineData("rist://127.0.0.1:5000?weight=heavy", "weight='heavy'")]
    [InlineData("srt://127.0.0.1:5000", "only rist://")]
    [InlineData("rist://@:5000", "listen mode")]
    [InlineData("rist://127.0.0.1:5000?aes-type=512&secret=x", "aes-type=512")]
    [InlineData("rist://127.0.0.1:5000?secret=x", "secret= needs aes-type=128, 192 or 256")]
    [InlineData("rist://127.0.0.1:5000?username=van&password=x&secret=x&aes-type=256", "username= (SRP authentication) is not available")]
    public void Malformed_output_url_is_named(string url, string why) =>
        AssertOneLineError(["send", "-i", "testsrc", "-o", url], 2, ["--output", why]);

    [Fact]
    public void Unwritable_control_trace_is_named() =>
        AssertOneLineError(["send", "-i", "testsrc", "-o", "rist://127.0.0.1:5000", "--control-trace", "/nonexistent-dir/trace.csv"], 2,
            ["--control-trace /nonexistent-dir/trace.csv", "cannot write"], beforeStreaming: false);

    [Fact]
    public void Unresolvable_receiver_is_named() =>
        AssertOneLineError(["send", "-i", "testsrc", "-o", "rist://no-such-host.invalid:5000"], 3, ["no-such-host.invalid", "cannot resolve"]);

    [Fact]
    public void Receiver_that_never_answers_times_out_with_its_url()
    {
        int silent = Ports.FreeUdp();
        AssertOneLineError(["send", "-i", "testsrc", "-o", $"rist://127.0.0.1:{silent}", "--connect-timeout", "2s"], 3,
            [$"rist://127.0.0.1:{silent}", "no RIST receiver answered within 2 s"], beforeStreaming: false);
    }

    [Fact]
    public void Input_port_in_use_is_named()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        AssertOneLineError(["send", "-i", $"udp://127.0.0.1:{port}", "-o", "rist://127.0.0.1:5000"], 3,
            [$"udp://127.0.0.1:{port}", "already in use"]);
    }

    [Fact]
    public void Status_port_in_use_is_named()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        AssertOneLineError(["send", "-i", "testsrc", "-o", "rist://127.0.0.1:5000", "--status-listen", $"127.0.0.1:{port}"], 3,
            [$"--status-listen 127.0.0.1:{port}", "address already in use"]);
    }

    [Fact]
    public void Status_on_a_public_address_without_a_token_is_refused() =>
        AssertOneLineError(["send", "-i", "testsrc", "-o", "rist://127.0.0.1:5000", "--status-listen", "0.0.0.0:8080"], 2,
            ["--status-listen 0.0.0.0:8080", "--status-token-file is required"]);

    [Theory]
    [InlineData("8080", "give ADDRESS:PORT")]
    [InlineData("127.0.0.1:http", "port 'http'")]
    [InlineData("board.local:8080", "'board.local' is not an IP address")]
    public void Malformed_status_address_is_named(string listen, string why) =>
        AssertOneLineError(["send", "-i", "testsrc", "-o", "rist://127.0.0.1:5000", "--status-listen", listen], 2, ["--status-listen", why]);

    [Fact]
    public void Missing_libx265_is_named() =>
        AssertOneLineError(["send", "-i", "pattern", "-o", "rist://127.0.0.1:5000"], 4, ["Could not load libx265", "/nonexistent/libx265.so.199"],
            new Dictionary<string, string> { ["RISTBOND_LIBX265"] = "/nonexistent/libx265.so.199" });

    [Theory]
    [InlineData("--encoder", "nvenc", "--encoder 'nvenc': unknown encoder")]
    [InlineData("--video-size", "1281x720", "--video-size '1281x720'")]
    [InlineData("--video-size", "big", "--video-size 'big'")]
    [InlineData("--fps", "0", "--fps '0'")]
    public void Bad_video_option_is_named(string option, string value, string why) =>
        AssertOneLineError(["send", "-i", "pattern", option, value, "-o", "rist://127.0.0.1:5000"], 2, [why]);

    // This machine has no V4L2 devices (they run for real in the QEMU board): a named one is absent.
    [Fact]
    public void Missing_capture_device_is_named() =>
        AssertOneLineError(["send", "-i", "v4l2:///dev/video99", "-o", "rist://127.0.0.1:5000"], 2, ["Could not open /dev/video99"]);

    [Fact]
    public void Missing_encoder_device_is_named() =>
        AssertOneLineError(["send", "-i", "pattern", "--encoder", "/dev/video99", "-o", "rist://127.0.0.1:5000"], 2, ["Could not open /dev/video99"]);

    [Fact]
    public void Capture_input_without_a_device_is_named() =>
        AssertOneLineError(["send", "-i", "v4l2://", "-o", "rist://127.0.0.1:5000"], 2, ["input v4l2://", "expected v4l2:///dev/videoN"]);

    [Fact]
    public void File_that_is_not_ts_is_named()
    {
        string path = Path.Combine(Path.GetTempPath(), $"not-ts-{Guid.NewGuid():N}.ts");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("this is a text file, not a transport stream\n", 200)));
        try
        {
            AssertOneLineError(["send", "-i", path, "-o", "rist://127.0.0.1:5000"], 2, [path, "not an MPEG-TS file"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_is_named() =>
        AssertOneLineError(["send", "-i", "/nonexistent/feed.ts", "-o", "rist://127.0.0.1:5000"], 2, ["/nonexistent/feed.ts"]);

    [Fact]
    public void Unknown_option_is_named() =>
        AssertOneLineError(["send", "-i", "testsrc", "-o", "rist://127.0.0.1:5000", "--bogus"], 2, ["--bogus"]);

    [Fact]
    public void Bad_bitrate_is_named() =>
        AssertOneLineError(["send", "-i", "testsrc", "-o", "rist://127.0.0.1:5000", "--bitrate", "fast"], 2, ["--bitrate", "'fast'"]);

    [Fact]
    public void Modems_with_a_bad_static_link_beside_them_names_that_link() =>
        AssertOneLineError(["send", "-i", "testsrc", "--modems", "-o", "rist://127.0.0.1:5000", "-o", "rist://127.0.0.1:99999?name=eth0"], 2, ["port '99999'"]);

    [Fact]
    public void Modems_with_miface_in_the_template_is_named() =>
        AssertOneLineError(["send", "-i", "testsrc", "--modems", "-o", "rist://127.0.0.1:5000?miface=wwan0"], 2, ["miface=", "per modem"]);

    [Fact]
    public void Apn_without_modems_is_named() =>
        AssertOneLineError(["send", "-i", "testsrc", "-o", "rist://127.0.0.1:5000", "--apn", "internet"], 2, ["--apn needs --modems"]);

    [Fact]
    public void Unreadable_apn_password_file_is_named() =>
        AssertOneLineError(["send", "-i", "testsrc", "--modems", "-o", "rist://127.0.0.1:5000", "--apn", "internet", "--apn-password-file", "/nonexistent/apn-password"],
            2, ["--apn-password-file", "/nonexistent/apn-password"]);

    [Fact]
    public void Udp_stream_that_is_not_ts_is_named()
    {
        int port = Ports.FreeUdp();
        int receiverPort = Ports.FreeUdp();
        using var receiver = new RistReceiver(receiverPort, Ports.FreeUdp());
        using var ristbond = new ChildProcess(RistbondProcess.BinaryPath, ["send", "-i", $"udp://127.0.0.1:{port}", "-o", $"rist://127.0.0.1:{receiverPort}"]);
        using var feeder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        byte[] junk = new byte[1400];
        new Random(1).NextBytes(junk);
        junk[0] = 0x12;
        DateTime deadline = DateTime.UtcNow.AddSeconds(15);
        while (!ristbond.HasExited && DateTime.UtcNow < deadline)
        {
            feeder.SendTo(junk, new IPEndPoint(IPAddress.Loopback, port));
            Thread.Sleep(20);
        }
        Assert.True(ristbond.WaitForExit(TimeSpan.FromSeconds(5)), ristbond.Transcript());
        Assert.Equal(2, ristbond.ExitCode);
        string error = Assert.Single(ristbond.Stderr, l => l.StartsWith("ristbond:", StringComparison.Ordinal));
        Assert.Contains($"udp://127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains("not MPEG-TS", error, StringComparison.Ordinal);
    }
}
