using Ristbond.EndToEnd.Tests.Harness;
using Ristbond.LinkEmulator;
using Ristbond.Platform;

namespace Ristbond.EndToEnd.Tests;

/// <summary>
/// The sender core against librist's own ristreceiver, through emulated cellular links: what arrives is checked
/// packet by packet, and the receiver's own count of lost packets must stay zero.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BondingTests
{
    const long BitrateBps = 4_000_000;

    static DirectionProfile Cellular(long rateBps, double delayMs, double loss = 0) =>
        new() { RateBps = rateBps, DelayMs = delayMs, Loss = loss, QueueMs = 300 };

    static DirectionProfile Return(double delayMs, double loss = 0) => new() { DelayMs = delayMs, Loss = loss };

    /// <summary>Data packets the test stream carries in <paramref name="seconds"/> at <see cref="BitrateBps"/>, with a margin for start-up.</summary>
    static long ExpectedDataPackets(double seconds) => (long)(BitrateBps / (188 * 8.0) * seconds * 0.8);

    [Fact]
    public void Three_links_with_one_percent_loss_each_lose_nothing()
    {
        using var setup = new BondedSetup(
        [
            ("a", Cellular(6_000_000, 20, 0.01), Return(20, 0.01)),
            ("b", Cellular(6_000_000, 40, 0.01), Return(40, 0.01)),
            ("c", Cellular(6_000_000, 60, 0.01), Return(60, 0.01)),
        ]);
        setup.Start();
        setup.WaitForLive(3);
        Thread.Sleep(TimeSpan.FromSeconds(8));
        setup.Stop();

        setup.AssertNothingLost(ExpectedDataPackets(8));
        Assert.True(setup.Receiver.Recovered > 0, "the links lost nothing, so recovery was not exercised\n" + setup.Capture.Summary());
        Assert.All(setup.Links, l => Assert.True(l.UpCounters.PacketsForwarded > 200, $"link {l.Name} carried only {l.UpCounters.PacketsForwarded} packets"));
    }

    [Fact]
    public void A_link_blacked_out_mid_stream_loses_nothing_with_the_default_buffer()
    {
        using var setup = new BondedSetup(
        [
            ("a", Cellular(6_000_000, 20), Return(20)),
            ("b", Cellular(6_000_000, 30), Return(30)),
            ("c", Cellular(6_000_000, 50), Return(50)),
        ]);
        string trace = Path.Combine(Path.GetTempPath(), $"ristbond-trace-{Guid.NewGuid():N}.csv");
        setup.Start("testsrc", "4M", "", "--control-trace", trace);
        setup.WaitForLive(3);
        Thread.Sleep(TimeSpan.FromSeconds(3));
        // The lowest-RTT link dies: the receiver also sends its NACKs there until it notices.
        setup.Links[0].BlackoutFor(TimeSpan.FromSeconds(4));
        Assert.True(setup.Sender.WaitForStats(s => RistbondProcess.Link(s, "a")?.GetProperty("state").GetString() == "dead", TimeSpan.FromSeconds(3)),
            "link a was never reported dead\n" + setup.Sender.Transcript());
        Assert.True(setup.Sender.WaitForStats(s => RistbondProcess.Link(s, "a")?.GetProperty("state").GetString() == "live", TimeSpan.FromSeconds(8)),
            "link a never came back after the blackout\n" + setup.Sender.Transcript());
        Thread.Sleep(TimeSpan.FromSeconds(2));
        setup.Stop();

        setup.AssertNothingLost(ExpectedDataPackets(9));
        AssertTraceShows(trace, "a", "Dead");
    }

    /// <summary>The control trace holds a row per link per tick, and shows the link in the state at some tick.</summary>
    static void AssertTraceShows(string trace, string link, string state)
    {
        string[] lines = File.ReadAllLines(trace);
        File.Delete(trace);
        string[] header = lines[0].Split(',');
        int linkColumn = Array.IndexOf(header, "link"), stateColumn = Array.IndexOf(header, "state");
        string[][] rows = [.. lines.Skip(1).Select(l => l.Split(','))];
        Assert.True(rows.Length > 3 * 50, $"only {rows.Length} trace rows in about 9 s of three links");
        Assert.All(rows, r => Assert.Equal(header.Length, r.Length));
        Assert.Contains(rows, r => r[linkColumn] == link && r[stateColumn] == state);
    }

    [Fact]
    public void Links_added_and_removed_while_streaming_make_no_gap()
    {
        using var setup = new BondedSetup(
        [
            ("a", Cellular(6_000_000, 20), Return(20)),
            ("b", Cellular(6_000_000, 40), Return(40)),
        ]);
        setup.Start();
        setup.WaitForLive(2);
        Thread.Sleep(TimeSpan.FromSeconds(2));
        long windowStart = MonotonicClock.NowNanos;

        using EmulatedLink c = setup.AddEmulatedLink("c", Cellular(6_000_000, 30), Return(30));
        Assert.Equal("ok c", setup.Sender.Control("add " + BondedSetup.UrlThrough(c)));
        setup.WaitForLive(3);
        Thread.Sleep(TimeSpan.FromSeconds(2));
        Assert.Equal("ok", setup.Sender.Control("remove a"));
        Assert.True(setup.Sender.WaitForStats(s => RistbondProcess.Link(s, "a") is null && RistbondProcess.LiveLinks(s) == 2, TimeSpan.FromSeconds(3)),
            "link a still listed after removal\n" + setup.Sender.Transcript());
        Thread.Sleep(TimeSpan.FromSeconds(3));
        long windowEnd = MonotonicClock.NowNanos;
        setup.Stop();

        setup.AssertNothingLost(ExpectedDataPackets(7));
        Assert.True(c.UpCounters.PacketsForwarded > 300, $"the added link carried only {c.UpCounters.PacketsForwarded} packets");
        long aAfterRemoval = setup.Links[0].UpCounters.PacketsForwarded;
        Thread.Sleep(300);
        Assert.Equal(aAfterRemoval, setup.Links[0].UpCounters.PacketsForwarded);
        TimeSpan silence = setup.Capture.LongestSilence(windowStart, windowEnd);
        Assert.True(silence < TimeSpan.FromMilliseconds(100), $"the receiver's output paused for {silence.TotalMilliseconds:0} ms while links changed");
    }

    [Fact]
    public void Aes256_pre_shared_key_interoperates_and_is_never_shown()
    {
        const string secret = "correct-horse-battery-staple";
        using var setup = new BondedSetup(
        [
            ("a", Cellular(6_000_000, 20), Return(20)),
            ("b", Cellular(6_000_000, 40), Return(40)),
        ], receiverParameters: $"secret={secret}&aes-type=256");
        setup.Start(linkParameters: $"secret={secret}&aes-type=256");
        setup.WaitForLive(2);
        Thread.Sleep(TimeSpan.FromSeconds(4));
        setup.Stop();

        setup.AssertNothingLost(ExpectedDataPackets(4));
        string everything = string.Join('\n', setup.Sender.Process.Stdout.Concat(setup.Sender.Process.Stderr));
        Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        Assert.Contains("secret=***", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void A_receiver_that_goes_away_and_comes_back_is_reconnected()
    {
        int receiverPort = Ports.FreeUdp();
        using var capture = new TsCapture(Ports.FreeUdp());
        var receiver = new RistReceiver(receiverPort, capture.Port);
        using var sender = new RistbondProcess("send", "-i", "testsrc", "--bitrate", "2M",
            "-o", $"rist://127.0.0.1:{receiverPort}?name=a,rist://127.0.0.1:{receiverPort}?name=b");
        try
        {
            Assert.True(sender.WaitForStats(s => RistbondProcess.LiveLinks(s) == 2, TimeSpan.FromSeconds(10)), sender.Transcript());
            Thread.Sleep(1000);
            receiver.Dispose();
            Assert.True(sender.WaitForStats(s => RistbondProcess.LiveLinks(s) == 0, TimeSpan.FromSeconds(5)), "links stayed live without a receiver\n" + sender.Transcript());
            long before = capture.Read(v => v.DataPackets);

            receiver = new RistReceiver(receiverPort, capture.Port);
            Assert.True(sender.WaitForStats(s => RistbondProcess.LiveLinks(s) == 2, TimeSpan.FromSeconds(10)), "links did not come back\n" + sender.Transcript());
            Thread.Sleep(2000);
            long after = capture.Read(v => v.DataPackets);
            Assert.True(after - before > 1000, $"only {after - before} packets delivered after the receiver came back\n{sender.Transcript()}");
            Assert.False(sender.Process.HasExited, sender.Transcript());
        }
        finally
        {
            receiver.Dispose();
        }
    }
}
