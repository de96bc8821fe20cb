using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ristbond.Modems.Tests.Harness;
using Ristbond.Platform;

namespace Ristbond.Web.Tests;

/// <summary>
/// The routes and checks of the real server (Kestrel on a loopback port), in process. The send session behind the
/// seam is a recording stand-in here, the one fake: these tests are about what the server does with requests;
/// the end-to-end tests drive the real sender.
/// </summary>
public sealed class StatusServerTests : IDisposable
{
    sealed class RecordingControl : IStreamControl
    {
        public List<string> Calls { get; } = [];
        public bool Refuse { get; set; }

        public void SetStreaming(bool streaming) => Calls.Add($"streaming {streaming}");

        public void SetBitrateLimits(long? minBps, long? maxBps)
        {
            if (Refuse)
                throw new RistbondException("bitrate limits: --static-weights runs without the control loop that keeps them");
            Calls.Add($"limits {minBps} {maxBps}");
        }
    }

    const string Report = """{"t":3.0,"bitrate_bps":4000000,"recommended_bitrate_bps":3500000,"min_bitrate_bps":500000,"max_bitrate_bps":6000000,"streaming":true,"links":[{"name":"lte0","sent_bps":100,"modem":{"rsrp":-95.0,"state":"connected"}},{"name":"eth","sent_bps":200}],"totals":{"sent_bps":300},"encoder":{"device":"/dev/video11","bitrate_bps":3900000}}""";

    readonly RecordingControl _control = new();
    readonly StatusServer _server;
    readonly HttpClient _http;

    public StatusServerTests()
    {
        int port = FreePort();
        _server = StatusServer.Start(StatusListenOptions.Create($"127.0.0.1:{port}", null), _control, NullLogger.Instance);
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    (HttpStatusCode, JsonElement) Get(string path)
    {
        using HttpResponseMessage response = _http.GetAsync(path).GetAwaiter().GetResult();
        string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    (HttpStatusCode, JsonElement) Post(string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using HttpResponseMessage response = _http.PostAsync(path, content).GetAwaiter().GetResult();
        return (response.StatusCode, JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.Clone());
    }

    [Fact]
    public void Before_the_first_report_the_api_says_so()
    {
        (HttpStatusCode status, JsonElement body) = Get("/api/status");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("no stats report yet", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_endpoint_cuts_its_part_from_the_report()
    {
        _server.Publish(Encoding.UTF8.GetBytes(Report));

        (_, JsonElement status) = Get("/api/status");
        Assert.Equal(["t", "streaming", "bitrate_bps", "recommended_bitrate_bps", "min_bitrate_bps", "max_bitrate_bps", "totals"], status.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["lte0", "eth"], Get("/api/links").Item2.EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        JsonElement modem = Assert.Single(Get("/api/modems").Item2.EnumerateArray());
        Assert.Equal("lte0", modem.GetProperty("link").GetString());
        Assert.Equal(-95.0, modem.GetProperty("rsrp").GetDouble());
        // The encoder's own fields come first and win; the control loop's figures fill in the rest.
        (_, JsonElement encoder) = Get("/api/encoder");
        Assert.Equal("/dev/video11", encoder.GetProperty("device").GetString());
        Assert.Equal(3_900_000, encoder.GetProperty("bitrate_bps").GetInt64());
        Assert.Equal(3_500_000, encoder.GetProperty("recommended_bitrate_bps").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, Get("/api/nothing").Item1);
    }

    [Fact]
    public void Controls_reach_the_sender_and_bad_ones_are_refused_with_the_reason()
    {
        _server.Publish(Encoding.UTF8.GetBytes(Report));

        Assert.Equal(HttpStatusCode.OK, Post("/api/stream/stop", "{}").Item1);
        Assert.Equal(HttpStatusCode.OK, Post("/api/stream/start", "").Item1);
        Assert.Equal(HttpStatusCode.Accepted, Post("/api/bitrate", """{"max_bitrate_bps":2000000}""").Item1);
        Assert.Equal(["streaming False", "streaming True", "limits  2000000"], _control.Calls);

        // Not JSON: a cross-site form could send that without asking; refused before anything happens.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, Post("/api/stream/stop", "", "text/plain").Item1);
        Assert.Contains("above max_bitrate_bps 6 Mbps", Post("/api/bitrate", """{"min_bitrate_bps":7000000}""").Item2.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("outside", Post("/api/bitrate", """{"max_bitrate_bps":5}""").Item2.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("give min_bitrate_bps", Post("/api/bitrate", "{}").Item2.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("body:", Post("/api/bitrate", """{"max_bitrate":1}""").Item2.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, _control.Calls.Count);

        _control.Refuse = true;
        (HttpStatusCode refused, JsonElement why) = Post("/api/bitrate", """{"max_bitrate_bps":2000000}""");
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("--static-weights", why.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_and_its_assets_come_from_the_server_itself()
    {
        foreach ((string path, string type) in new[] { ("/", "text/html"), ("/app.js", "text/javascript"), ("/app.css", "text/css") })
        {
            using HttpResponseMessage response = await _http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            string body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain("http://", body, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_second_server_on_the_same_port_is_a_one_line_error_naming_the_address()
    {
        string address = _http.BaseAddress!.Authority;
        var log = new RecordingLogger();
        var e = Assert.Throws<RistbondException>(() => StatusServer.Start(StatusListenOptions.Create(address, null), _control, log));
        Assert.Equal($"--status-listen {address}: cannot listen: address already in use", e.Message);
        Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode);
        // The error is said once, by whoever reports the exception: the host's own "failed to start" stays quiet.
        Assert.Empty(log.Messages);
    }

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
    }
}
