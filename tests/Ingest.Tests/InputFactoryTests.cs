using Microsoft.Extensions.Logging.Abstractions;
using Ristbond.Ingest.Tests.Harness;
using Ristbond.Platform;

namespace Ristbond.Ingest.Tests;

/// <summary>Inputs named the way users name them open the right source; a wrong name is refused, naming the input.</summary>
public sealed class InputFactoryTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("ristbond-ingest-factory-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static TsSource Open(string input, long testBitrate = 2_000_000) => InputFactory.Open(input, loop: false, testBitrate, NullLogger.Instance);

    [Theory]
    [InlineData("srt://127.0.0.1:5000", "unknown scheme 'srt'")]
    [InlineData("http://camera.local/stream.ts", "unknown scheme 'http'")]
    [InlineData("udp://127.0.0.1", "port")]
    [InlineData("udp://@", "port")]
    [InlineData("udp://127.0.0.1:", "port")]
    [InlineData("udp://127.0.0.1:0", "port from 1 to 65535")]
    [InlineData("udp://127.0.0.1:65536", "port from 1 to 65535")]
    [InlineData("rtp://@:70000", "port from 1 to 65535")]
    [InlineData("udp://127.0.0.1:five", "port")]
    [InlineData("udp://@:5000?ttl=4", "unknown parameter 'ttl=4'")]
    [InlineData("udp://@239.1.1.1:5000?miface", "unknown parameter 'miface'")]
    [InlineData("udp://@239.1.1.1:5000?miface=", "unknown parameter 'miface='")]
    [InlineData("udp://no-such-host.invalid:5000", "cannot resolve 'no-such-host.invalid'")]
    public void Bad_input_is_refused_naming_it(string input, string why)
    {
        var error = Assert.Throws<RistbondException>(() => Open(input).Dispose());

        Assert.Contains($"input {input}", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Theory]
    [InlineData("v4l2://")]
    [InlineData("v4l2:///")]
    [InlineData("v4l2://dev/video0")]
    public void V4l2_input_without_a_device_path_is_refused(string input)
    {
        var error = Assert.Throws<RistbondException>(() => Open(input).Dispose());

        Assert.Equal($"input {input}: expected v4l2:///dev/videoN (the capture device's path after v4l2://)", error.Message);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Fact]
    public void V4l2_input_opens_the_named_capture_device()
    {
        // This machine has no V4L2 devices (the capture path runs for real in the QEMU board): the input is
        // recognised, and opening the absent device fails naming it.
        const string device = "/dev/video99";
        Assert.False(File.Exists(device));

        var error = Assert.Throws<RistbondException>(() => Open("v4l2://" + device).Dispose());

        Assert.Equal($"Could not open {device}: No such file or directory", error.Message);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Theory]
    [InlineData("testsrc")]
    [InlineData("testsrc://")]
    public void Testsrc_opens_the_test_source_at_the_given_rate(string input)
    {
        using var source = Open(input, testBitrate: 3_000_000);

        var test = Assert.IsType<TestSource>(source);
        Assert.Equal(3_000_000, test.BitrateBps);
        Assert.Equal("testsrc", source.Name);
        Assert.False(source.IsFinite);
    }

    [Theory]
    [InlineData("udp://@127.0.0.1:{0}")]
    [InlineData("udp://127.0.0.1:{0}")]
    [InlineData("udp://:{0}")]
    [InlineData("udp://@:{0}/")]
    [InlineData("UDP://@127.0.0.1:{0}")]
    [InlineData("rtp://@127.0.0.1:{0}")]
    [InlineData("udp://[::1]:{0}")]
    [InlineData("udp://localhost:{0}")]
    public void Udp_and_rtp_urls_listen_on_their_port(string pattern)
    {
        int port = Ports.FreeUdp();
        string input = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, port);

        using var source = Open(input);

        var udp = Assert.IsType<UdpTsSource>(source);
        Assert.Equal(port, udp.LocalPort);
        Assert.Equal(input, source.Name);
        Assert.False(source.IsFinite);
    }

    [Fact]
    public void Path_and_file_url_open_the_file()
    {
        string path = Path.Combine(_directory, "pattern.ts");
        File.WriteAllBytes(path, TsBytes.TestPattern(datagrams: 200));

        using var bare = Open(path);
        using var url = Open("file://" + path);

        Assert.IsType<FileTsSource>(bare);
        Assert.IsType<FileTsSource>(url);
        Assert.Equal(path, bare.Name);
        Assert.Equal(path, url.Name);
    }

    [Fact]
    public void Missing_file_url_names_the_path()
    {
        string path = Path.Combine(_directory, "absent.ts");

        var error = Assert.Throws<RistbondException>(() => Open("file://" + path).Dispose());

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:5000", "127.0.0.1", 5000)]
    [InlineData(":1", "", 1)]
    [InlineData("host.example:65535", "host.example", 65535)]
    [InlineData("[::1]:5000", "::1", 5000)]
    [InlineData("[ff02::1]:1234", "ff02::1", 1234)]
    public void Host_and_port_are_split(string text, string host, int port)
    {
        Assert.True(InputFactory.TryParseHostPort(text, out string parsedHost, out int parsedPort));
        Assert.Equal((host, port), (parsedHost, parsedPort));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-5")]
    [InlineData("127.0.0.1:http")]
    [InlineData("[fe80::zz]:5000")]
    [InlineData("")]
    public void Host_without_a_usable_port_is_refused(string text)
    {
        Assert.False(InputFactory.TryParseHostPort(text, out _, out _));
    }
}
