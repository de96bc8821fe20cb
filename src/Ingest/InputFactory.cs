using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Ristbond.Platform;
using Ristbond.Video;

namespace Ristbond.Ingest;

/// <summary>
/// Opens an input named the way users name it: <c>udp://[@][host]:port</c>, <c>rtp://…</c>, a .ts file,
/// <c>testsrc</c>, or video ristbond encodes itself (see <see cref="VideoInputFactory"/>): <c>pattern</c>, drawn,
/// or <c>v4l2:///dev/videoN</c>, captured.
/// </summary>
public static class InputFactory
{
    public const string TestSourceName = "testsrc";

    /// <param name="video">Size, rate and encoder of video ristbond encodes itself; defaults when null. A capture
    /// device takes the size and rate as a request and may grant others.</param>
    public static TsSource Open(string input, bool loop, long testBitrateBps, ILogger log, VideoInputOptions? video = null)
    {
        if (input is TestSourceName or "testsrc://")
            return new TestSource(testBitrateBps);
        if (input is PatternFrameSource.InputName or "pattern://")
            return VideoInputFactory.OpenPattern(video ?? new VideoInputOptions(), log);

        int schemeEnd = input.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
            return new FileTsSource(input, loop, log);

        string scheme = input[..schemeEnd].ToLowerInvariant();
        string rest = input[(schemeEnd + 3)..];
        return scheme switch
        {
            "file" => new FileTsSource(rest, loop, log),
            "udp" or "rtp" => OpenUdp(input, rest, log),
            "v4l2" => VideoInputFactory.OpenCapture(input, CapturePath(input, rest), video ?? new VideoInputOptions(), log),
            _ => throw new RistbondException($"input {input}: unknown scheme '{scheme}' (use udp://, rtp://, v4l2://, a .ts file, testsrc or pattern)"),
        };
    }

    /// <summary>The device path of <c>v4l2:///dev/videoN</c>: absolute, naming a node.</summary>
    static string CapturePath(string input, string rest)
    {
        if (rest.Length < 2 || rest[0] != '/' || rest.EndsWith('/'))
            throw new RistbondException($"input {input}: expected v4l2:///dev/videoN (the capture device's path after v4l2://)");
        return rest;
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
