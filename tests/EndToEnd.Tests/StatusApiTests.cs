using System.Net;
using System.Text.Json;
using Ristbond.EndToEnd.Tests.Harness;

namespace Ristbond.EndToEnd.Tests;

/// <summary>
/// The status API of the NativeAOT binary while it streams to librist's ristreceiver: live numbers, the event
/// stream, the controls (what the receiver gets, what the control loop reports), and the token for other machines.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StatusApiTests
{
    static readonly TimeSpan s_live = TimeSpan.FromSeconds(15);

    sealed class Streaming : IDisposable
    {
        public Streaming(params string[] extra)
        {
            Port = StatusClient.FreeTcpPort();
            Receiver = new RistReceiver(Ports.FreeUdp(), Ports.FreeUdp());
            string listen = extra.Contains("--status-listen") ? "" : $"127.0.0.1:{Port}";
            string[] status = listen.Length > 0 ? ["--status-listen", listen] : [];
            Sender = new RistbondProcess(["send", "-i", "testsrc", "--bitrate", "3M", "-o", $"rist://127.0.0.1:{Receiver.ListenPort}", .. status, .. extra], null);
        }

        public int Port { get; set; }
        public RistReceiver Receiver { get; }
        public RistbondProcess Sender { get; }

        public void Dispose()
        {
            Sender.Dispose();
            Receiver.Dispose();
        }
    }

    [Fact]
    public void Endpoints_and_events_carry_live_numbers_and_the_max_bitrate_control_reaches_the_control_loop()
    {
        using var run = new Streaming();
        using var api = new StatusClient($"http://127.0.0.1:{run.Port}");

        JsonElement status = api.WaitFor("/api/status", s => s.GetProperty("totals").GetProperty("sent_bps").GetInt64() > 0, s_live);
        Assert.True(status.GetProperty("recommended_bitrate_bps").GetInt64() > 0, status.ToString());
        Assert.True(status.GetProperty("streaming").GetBoolean());

        (HttpStatusCode code, JsonElement links) = api.Get("/api/links");
        Assert.Equal(HttpStatusCode.OK, code);
        JsonElement link = Assert.Single(links.EnumerateArray());
        Assert.Equal("link1", link.GetProperty("name").GetString());
        Assert.True(link.GetProperty("sent_bps").GetInt64() > 0 && link.GetProperty("rtt_ms").GetDouble() >= 0, link.ToString());

        Assert.Equal(0, api.Get("/api/modems").Body.GetArrayLength());
        JsonElement encoder = api.Get("/api/encoder").Body;
        Assert.True(encoder.GetProperty("bitrate_bps").GetInt64() > 0 && encoder.GetProperty("max_bitrate_bps").GetInt64() == 20_000_000, encoder.ToString());

        List<JsonElement> reports = api.ReadEvents("stats", 2, TimeSpan.FromSeconds(5));
        Assert.Equal(2, reports.Count);
        Assert.True(reports[1].GetProperty("t").GetDouble() > reports[0].GetProperty("t").GetDouble(), "the event stream repeated a report");

        // Bad limits are refused with the reason; good ones reach the control loop and cap its recommendation.
        (HttpStatusCode refused, JsonElement why) = api.Post("/api/bitrate", """{"min_bitrate_bps":8000000,"max_bitrate_bps":2000000}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("above max_bitrate_bps", why.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, api.Post("/api/bitrate", """{"max_bitrate_bps":1200000}""").Status);
        Assert.True(run.Sender.WaitForStats(s => s.GetProperty("max_bitrate_bps").GetInt64() == 1_200_000 && s.GetProperty("recommended_bitrate_bps").GetInt64() <= 1_200_000, TimeSpan.FromSeconds(5)),
            "the stats report never showed the new maximum\n" + run.Sender.Transcript());
    }

    [Fact]
    public void Stop_streaming_stops_what_the_receiver_gets_and_start_resumes_it()
    {
        using var run = new Streaming();
        using var api = new StatusClient($"http://127.0.0.1:{run.Port}");
        api.WaitFor("/api/status", s => s.GetProperty("totals").GetProperty("links_live").GetInt32() == 1, s_live);
        WaitUntil(() => run.Receiver.Received > 500, "the receiver to get the stream", run);

        Assert.Equal(HttpStatusCode.OK, api.Post("/api/stream/stop").Status);
        Assert.True(run.Sender.WaitForStats(s => !s.GetProperty("streaming").GetBoolean(), TimeSpan.FromSeconds(3)), run.Sender.Transcript());
        Thread.Sleep(1500); // the receiver's stats come every 500 ms
        long stopped = run.Receiver.Received;
        Thread.Sleep(2000);
        Assert.True(run.Receiver.Received - stopped < 20, $"the receiver still got {run.Receiver.Received - stopped} packets in 2 s after stop");
        Assert.Equal(1, api.Get("/api/status").Body.GetProperty("totals").GetProperty("links_live").GetInt32());

        Assert.Equal(HttpStatusCode.OK, api.Post("/api/stream/start").Status);
        WaitUntil(() => run.Receiver.Received > stopped + 500, "the stream to resume at the receiver", run);
        Assert.Contains(run.Sender.Process.Stderr, l => l.Contains("streaming stopped", StringComparison.Ordinal));

        // The same from a script on the box, over the control socket.
        Assert.Equal("ok", run.Sender.Control("stop"));
        Assert.True(run.Sender.WaitForStats(s => !s.GetProperty("streaming").GetBoolean(), TimeSpan.FromSeconds(3)), run.Sender.Transcript());
        Assert.Equal("ok", run.Sender.Control("start"));
        long restarted = run.Receiver.Received;
        WaitUntil(() => run.Receiver.Received > restarted + 500, "the stream to resume after the control socket's start", run);
    }

    [Fact]
    public void From_another_machine_the_token_is_needed_and_a_wrong_one_is_401_and_logged_without_it()
    {
        const string Token = "s3cret-token-for-tests";
        const string Wrong = "not-the-token-at-all";
        string tokenFile = Path.Combine(Path.GetTempPath(), $"ristbond-token-{Guid.NewGuid():N}");
        File.WriteAllText(tokenFile, Token + "\n");
        int port = StatusClient.FreeTcpPort();
        IPAddress elsewhere = StatusClient.NonLoopbackAddress();
        try
        {
            using var run = new Streaming("--status-listen", $"0.0.0.0:{port}", "--status-token-file", tokenFile) { Port = port };
            using var local = new StatusClient($"http://127.0.0.1:{port}");
            using var remote = new StatusClient($"http://{elsewhere}:{port}");
            local.WaitFor("/api/status", s => s.GetProperty("totals").GetProperty("links_live").GetInt32() == 1, s_live);

            Assert.Equal(HttpStatusCode.Unauthorized, remote.Get("/api/status").Status);
            (HttpStatusCode wrong, JsonElement why) = remote.Get("/api/status", bearer: Wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong);
            Assert.Equal("wrong token", why.GetProperty("error").GetString());
            Assert.Equal(HttpStatusCode.OK, remote.Get("/api/status", bearer: Token).Status);

            // The page opened once with ?token= sets a cookie and drops the token from the address.
            using HttpResponseMessage opened = remote.Send(HttpMethod.Get, $"/?token={Token}");
            Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
            Assert.Equal("/", opened.Headers.Location?.OriginalString);
            string cookie = opened.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
            Assert.Equal(HttpStatusCode.OK, remote.Get("/api/links", cookie: cookie).Status);
            Assert.Equal(HttpStatusCode.Unauthorized, remote.Get("/api/links", cookie: "ristbond_token=" + Wrong).Status);

            // The first refusal from an address is logged at once; the wrong tokens after it are only counted (a scanner
            // must not fill the journal) and summarized a minute later.
            Assert.True(SpinWait.SpinUntil(() => run.Sender.Process.Stderr.Any(l => l.Contains($"refused GET /api/status from {elsewhere}: no token", StringComparison.Ordinal)), 3000),
                "no log line for the request without a token\n" + run.Sender.Transcript());
            Assert.Single(run.Sender.Process.Stderr, l => l.Contains("refused", StringComparison.Ordinal));
            Assert.DoesNotContain(run.Sender.Process.Stderr, l => l.Contains(Wrong, StringComparison.Ordinal) || l.Contains(Token, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    static void WaitUntil(Func<bool> condition, string what, Streaming run)
    {
        Assert.True(SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(15)),
            $"waited 15 s for {what}\nsender:\n{run.Sender.Transcript()}\nreceiver:\n{run.Receiver.Transcript()}");
    }
}
