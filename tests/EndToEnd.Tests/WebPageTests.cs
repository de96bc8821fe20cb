using System.Net;
using Ristbond.EndToEnd.Tests.Harness;

namespace Ristbond.EndToEnd.Tests;

/// <summary>
/// The status page in headless chromium at a phone's width, served by the NativeAOT binary while it streams to
/// librist's ristreceiver: it loads with nothing from elsewhere, shows live numbers, and its controls act on the
/// sender (what the stats stream then reports).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WebPageTests
{
    static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public void The_page_shows_live_numbers_and_its_controls_set_the_max_bitrate_and_stop_streaming()
    {
        int port = StatusClient.FreeTcpPort();
        using var receiver = new RistReceiver(Ports.FreeUdp(), Ports.FreeUdp());
        using var sender = new RistbondProcess(["send", "-i", "testsrc", "--bitrate", "3M", "-o", $"rist://127.0.0.1:{receiver.ListenPort}", "--status-listen", $"127.0.0.1:{port}"], null);
        using var browser = new HeadlessChromium(width: 360);
        using (var api = new StatusClient($"http://127.0.0.1:{port}"))
            api.WaitFor("/api/status", s => s.GetProperty("totals").GetProperty("links_live").GetInt32() == 1, s_wait);

        browser.Navigate($"http://127.0.0.1:{port}/");
        browser.WaitFor("(t => t !== undefined && parseFloat(t) > 0)(document.querySelector('tr[data-link=\"link1\"] .sent')?.textContent)", s_wait,
            "link1's throughput to show a number above zero");
        browser.WaitFor("document.getElementById('streaming').textContent === 'streaming'", s_wait, "the page to say it is streaming");
        Assert.EndsWith("bps", browser.Evaluate("document.getElementById('recommended').textContent").GetString(), StringComparison.Ordinal);
        Assert.True(browser.Evaluate("document.documentElement.scrollWidth <= window.innerWidth").GetBoolean(),
            $"the page is wider than the {browser.Evaluate("window.innerWidth")} px screen: {browser.Evaluate("document.documentElement.scrollWidth")} px");
        Assert.True(browser.Evaluate("document.getElementById('chart-sent').width > 0").GetBoolean());

        // The operator types a maximum and applies it: the control loop takes it.
        browser.Evaluate("document.getElementById('max-mbps').value = '1.5'; document.getElementById('apply').click(); true");
        Assert.True(sender.WaitForStats(s => s.GetProperty("max_bitrate_bps").GetInt64() == 1_500_000 && s.GetProperty("recommended_bitrate_bps").GetInt64() <= 1_500_000, s_wait),
            $"the stats never showed the page's maximum\n{sender.Transcript()}\npage:\n{string.Join('\n', browser.Console)}");
        browser.WaitFor("document.getElementById('limits-now').textContent.includes('1.50 Mbps')", s_wait, "the page to show the new maximum");

        browser.Evaluate("document.getElementById('toggle').click(); true");
        Assert.True(sender.WaitForStats(s => !s.GetProperty("streaming").GetBoolean(), s_wait), "the page's stop button did not stop streaming\n" + sender.Transcript());
        browser.WaitFor("document.getElementById('toggle').textContent === 'Start streaming'", s_wait, "the button to offer a start");
        Assert.DoesNotContain(browser.Console, l => l.StartsWith("exception", StringComparison.Ordinal) || l.StartsWith("error", StringComparison.Ordinal));
    }

    [Fact]
    public void From_another_machine_the_page_works_once_opened_with_the_token()
    {
        const string Token = "page-token-1234";
        string tokenFile = Path.Combine(Path.GetTempPath(), $"ristbond-token-{Guid.NewGuid():N}");
        File.WriteAllText(tokenFile, Token);
        int port = StatusClient.FreeTcpPort();
        IPAddress elsewhere = StatusClient.NonLoopbackAddress();
        try
        {
            using var receiver = new RistReceiver(Ports.FreeUdp(), Ports.FreeUdp());
            using var sender = new RistbondProcess(["send", "-i", "testsrc", "-o", $"rist://127.0.0.1:{receiver.ListenPort}",
                "--status-listen", $"0.0.0.0:{port}", "--status-token-file", tokenFile], null);
            using var browser = new HeadlessChromium();
            using (var api = new StatusClient($"http://127.0.0.1:{port}"))
                api.WaitFor("/api/status", s => s.GetProperty("totals").GetProperty("links_live").GetInt32() == 1, s_wait);

            browser.Navigate($"http://{elsewhere}:{port}/?token={Token}");
            browser.WaitFor("location.search === '' && (t => t !== undefined && parseFloat(t) > 0)(document.querySelector('tr[data-link=\"link1\"] .sent')?.textContent)",
                s_wait, "the page, redirected without the token, to show live numbers over its cookie");
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }
}
