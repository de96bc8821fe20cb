using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Ristbond.Modems.Tests.Harness;

namespace Ristbond.Web.Tests;

/// <summary>
/// The real server (Kestrel on all addresses, with a token) refusing a scanner: the requests come from this machine's
/// own non-loopback address, so the server sees "another machine" and refuses each one, and the log stays short.
/// </summary>
public sealed class RefusalLogTests
{
    sealed class NoControl : IStreamControl
    {
        public void SetStreaming(bool streaming) => throw new InvalidOperationException("a refused request reached the controls");
        public void SetBitrateLimits(long? minBps, long? maxBps) => throw new InvalidOperationException("a refused request reached the controls");
    }

    const string Token = "the-real-token-4711";

    [Fact]
    public void A_hundred_refused_requests_make_at_most_two_log_lines_and_never_show_a_token()
    {
        IPAddress own = NonLoopbackAddress();
        string tokenFile = Path.GetTempFileName();
        File.WriteAllText(tokenFile, Token + "\n");
        var log = new RecordingLogger();
        int port;
        using (var probe = new TcpListener(IPAddress.Any, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        try
        {
            using StatusServer server = StatusServer.Start(StatusListenOptions.Create($"0.0.0.0:{port}", tokenFile), new NoControl(), log);
            using var http = new HttpClient { BaseAddress = new Uri($"http://{own}:{port}") };
            var codes = new List<HttpStatusCode>();
            for (int i = 0; i < 100; i++)
            {
                // What a scanner tries: no token, a guessed bearer token, a guessed ?token= on the page.
                using var request = new HttpRequestMessage(i % 3 == 2 ? HttpMethod.Post : HttpMethod.Get,
                    (i % 3) switch { 0 => "/api/status", 1 => "/?token=guess-" + i, _ => "/api/stream/stop" });
                if (i % 3 == 2)
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "guess-" + i);
                using HttpResponseMessage response = http.Send(request, TestContext.Current.CancellationToken);
                codes.Add(response.StatusCode);
            }
            Assert.All(codes, c => Assert.Equal(HttpStatusCode.Unauthorized, c));
        }
        finally
        {
            File.Delete(tokenFile);
        }
        List<string> refusals = [.. log.Messages.Where(l => l.Contains("refused", StringComparison.Ordinal))];
        Assert.InRange(refusals.Count, 1, 2);
        Assert.Contains($"from {own}", refusals[0], StringComparison.Ordinal);
        Assert.DoesNotContain(log.Messages, l => l.Contains(Token, StringComparison.Ordinal) || l.Contains("guess-", StringComparison.Ordinal));
    }

    /// <summary>An IPv4 address of this machine other than loopback: the server must see the client as another machine.</summary>
    static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this test needs an IPv4 address other than loopback on this machine (the server lets loopback clients in without a token)");
}
