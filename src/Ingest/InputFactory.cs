using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Ristbond.Platform;
using Ristbond.Video;

namespace Ristbond.Ingest;

/// <summary>
/// Opens an input named the way users name it: <c>udp://[@][host]:port</c>, <c>rtp://…</c>, a .ts file,
/// <c>testsrc</c>, or <c>pattern</c> (video ristbond draws and encodes itself, see <paramref name="video"/>).
/// </summary>
public static class InputFactory
{
    public const string TestSourceName = "testsrc";

    /// <param name="video">Size, rate and encoder of video ristbond encodes itself; defaults when null.</param>
    public static TsSource Open(string input, bool loop, long testBitrateBps, ILogger log, VideoInputOptions? video = null)
    {
        if (input is TestSourceName or "testsrc://")
            return new TestSource(testBitrateBps);
        if (input is PatternFrameSource.InputName or "pattern://")
            return OpenPattern(video ?? new VideoInputOptions());

        int schemeEnd = input.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
            return new FileTsSource(input, loop, log);

        string scheme = input[..schemeEnd].ToLowerInvariant();
        string rest = input[(schemeEnd + 3)..];
        return scheme switch
        {
            "file" => new FileTsSource(rest, loop, log),
            "udp" or "rtp" => OpenUdp(input, rest, log),
            _ => throw new RistbondException($"input {input}: unknown scheme '{scheme}' (use udp://, rtp://, a .ts file, testsrc or pattern)"),
        };
    }

    /// <summary>The test pattern through the chosen encoder; the encoder is opened first, so a missing library fails here.</summary>
    static VideoTsSource OpenPattern(VideoInputOptions video)
    {
        VideoFormat format = new(video.Width, video.Height, VideoEncoderFactory.PreferredPixelFormat(video.Encoder),
            video.FrameRateNumerator, video.FrameRateDenominator);
        IVideoEncoder encoder = VideoEncoderFactory.Open(video.Encoder, format, new VideoEncoderSettings
        {
            InitialBitrate = video.InitialBitrateBps,
            MaximumBitrate = video.MaxBitrateBps,
        });
        return new VideoTsSource(new PatternFrameSource(format), encoder, VideoEncoderFactory.NameOf(encoder));
    }

    static UdpTsSource OpenUdp(string input, string rest, ILogger log)
    {
        string? multicastInterface = null;
        int query = rest.IndexOf('?');
        if (query >= 0)
        {
            foreach (string parameter in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] pair = parameter.Split('=', 2);
                if (pair[0] == "miface" && pair.Length == 2 && pair[1].Length > 0)
                    multicastInterface = pair[1];
                else
                    throw new RistbondException($"input {input}: unknown parameter '{parameter}' (udp inputs take miface=IFNAME)");
            }
            rest = rest[..query];
        }
        rest = rest.TrimStart('@').TrimEnd('/');
        if (!TryParseHostPort(rest, out string host, out int port))
            throw new RistbondException($"input {input}: expected udp://[@][address]:port with a port from 1 to 65535");
        IPAddress address = host.Length == 0 ? IPAddress.Any : Resolve(input, host);
        return new UdpTsSource(input, new IPEndPoint(address, port), multicastInterface, log);
    }

    /// <summary>"host:port", "[v6]:port" or ":port"; false if the port is missing or out of range.</summary>
    public static bool TryParseHostPort(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), out port) || port is < 1 or > 65535)
            return false;
        host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        return !host.Contains(':') || IPAddress.TryParse(host, out _);
    }

    static IPAddress Resolve(string input, string host)
    {
        if (IPAddress.TryParse(host, out IPAddress? address))
            return address;
        try
        {
            return Dns.GetHostAddresses(host).First(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6);
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            throw new RistbondException($"input {input}: cannot resolve '{host}'", ExitCodes.BadInput, e);
        }
    }
}
