using System.Diagnostics;
using Ristbond.EndToEnd.Tests.Harness;
using Ristbond.LinkEmulator;

namespace Ristbond.EndToEnd.Tests;

/// <summary>
/// <c>ristbond run</c> as systemd runs it: the NativeAOT binary with NOTIFY_SOCKET (a datagram socket this test owns)
/// and WATCHDOG_USEC, streaming to librist's ristreceiver through emulated links, reloaded with real SIGHUPs.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ServiceTests
{
    static DirectionProfile Clear(double delayMs) => new() { RateBps = 20_000_000, DelayMs = delayMs, QueueMs = 300 };

    static string Config(BondedSetup setup, IEnumerable<EmulatedLink> links, string input = "testsrc", string maxBitrate = "3M") => $$"""
        {
          "receiver": { "url": "rist://127.0.0.1:{{setup.ReceiverPort}}" },
          "input": "{{input}}",
          "links": [ {{string.Join(", ", links.Select(l => $$"""{ "name": "{{l.Name}}", "url": "rist://127.0.0.1:{{l.ListenEndPoint.Port}}" }"""))}} ],
          "bitrate": { "start": "3M", "min": "1M", "max": "{{maxBitrate}}" },
          "stats_json": "-"
        }
        """;

    [Fact]
    public void Ready_comes_once_the_receiver_answers_the_watchdog_from_the_loop_and_SIGTERM_stops_within_2_s()
    {
        using var setup = new BondedSetup([("a", Clear(10), Clear(10))]);
        // The studio is unreachable for the first 3 s: the service must not say READY before it answers.
        setup.Links[0].BlackoutFor(TimeSpan.FromSeconds(3));
        using var service = new ServiceProcess(Config(setup, setup.Links), TimeSpan.FromSeconds(1));
        TimeSpan blackoutEnds = service.Notify.Now + TimeSpan.FromSeconds(2.9);

        Assert.True(service.Notify.WaitFor("READY=1", TimeSpan.FromSeconds(20)), "no READY=1\n" + service.Transcript());
        TimeSpan ready = service.Notify.With("READY=1")[0].At;
        Assert.True(ready >= blackoutEnds, $"READY=1 at {ready.TotalSeconds:0.00} s, before the receiver could answer (blackout until {blackoutEnds.TotalSeconds:0.00} s)\n{service.Transcript()}");
        Assert.Contains(service.Process.Stderr, l => l.Contains("link a: receiver answers", StringComparison.Ordinal));

        Thread.Sleep(TimeSpan.FromSeconds(3));
        // WATCHDOG_USEC = 1 s: a ping every 0.5 s from the control loop, so about 6 in 3 s.
        int pings = service.Notify.With("WATCHDOG=1").Count(m => m.At > ready);
        Assert.True(pings >= 4, $"only {pings} WATCHDOG=1 in the 3 s after READY\n{service.Transcript()}");
        Assert.Contains(service.Notify.Messages, m => m.Message.StartsWith("STATUS=streaming ", StringComparison.Ordinal) && m.Message.Contains("over 1 of 1 link(s)", StringComparison.Ordinal));
        Assert.True(setup.Capture.Datagrams > 500, $"the receiver delivered only {setup.Capture.Datagrams} datagrams\n{service.Transcript()}");

        var stopping = Stopwatch.StartNew();
        service.Process.Terminate();
        Assert.True(service.Process.WaitForExit(TimeSpan.FromSeconds(2)), $"still running 2 s after SIGTERM\n{service.Transcript()}");
        stopping.Stop();
        Assert.Equal(0, service.Process.ExitCode);
        Assert.Single(service.Notify.With("STOPPING=1"));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(2), $"stopped in {stopping.Elapsed.TotalSeconds:0.00} s");
    }

    [Fact]
    public void A_bad_reload_keeps_the_stream_and_a_good_one_changes_links_without_a_gap()
    {
        using var setup = new BondedSetup([("a", Clear(10), Clear(10)), ("b", Clear(20), Clear(20))]);
        EmulatedLink c = setup.AddEmulatedLink("c", Clear(15), Clear(15));
        using var service = new ServiceProcess(Config(setup, setup.Links), TimeSpan.FromSeconds(5));
        Assert.True(service.Notify.WaitFor("READY=1", TimeSpan.FromSeconds(20)), "no READY=1\n" + service.Transcript());
        Assert.True(service.WaitForStats(s => s.GetProperty("totals").GetProperty("links_live").GetInt32() == 2, TimeSpan.FromSeconds(10)),
            "two links never went live\n" + service.Transcript());

        // A broken file: one line in the log, the stream goes on with the running configuration.
        service.WriteConfig(Config(setup, setup.Links).Replace("\"bitrate\"", "\"bitrat\"", StringComparison.Ordinal).Replace("rist://127.0.0.1:" + setup.ReceiverPort, "udp://127.0.0.1:1", StringComparison.Ordinal));
        TimeSpan hup = service.Notify.Now;
        long before = setup.Capture.Datagrams;
        service.Process.Hangup();
        Assert.True(service.WaitForLog("keeping the running configuration", TimeSpan.FromSeconds(5)), "no word about the bad file\n" + service.Transcript());
        string complaint = Assert.Single(service.Process.Stderr, l => l.Contains("configuration reload:", StringComparison.Ordinal));
        Assert.Contains($"{service.ConfigPath}:2: $.receiver.url 'udp://127.0.0.1:1': only rist:// URLs can be bonded", complaint, StringComparison.Ordinal);
        Assert.True(service.Notify.WaitFor("RELOADING=1", TimeSpan.FromSeconds(2), hup) && service.Notify.WaitFor("READY=1", TimeSpan.FromSeconds(2), hup),
            "no RELOADING=1/READY=1 around the reload\n" + service.Transcript());
        Thread.Sleep(TimeSpan.FromSeconds(2));
        Assert.False(service.Process.HasExited, "the service died on a bad reload\n" + service.Transcript());
        Assert.True(setup.Capture.Datagrams > before + 300, $"the stream stalled after the bad reload: {setup.Capture.Datagrams - before} datagrams in 2 s\n{service.Transcript()}");
        Assert.Equal(["a", "b"], ServiceProcess.LinkNames(service.LatestStats!.Value));

        // A good file: b goes, c comes, while the stream flows.
        service.WriteConfig(Config(setup, [setup.Links[0], c]));
        long windowStart = Ristbond.Platform.MonotonicClock.NowNanos;
        service.Process.Hangup();
        Assert.True(service.WaitForStats(s => ServiceProcess.LinkNames(s).SequenceEqual(["a", "c"]) && s.GetProperty("totals").GetProperty("links_live").GetInt32() == 2,
            TimeSpan.FromSeconds(10)), "links a and c never carried the stream after the reload\n" + service.Transcript());
        Assert.Contains(service.Process.Stderr, l => l.Contains("link b: removed (configuration reload)", StringComparison.Ordinal));
        Assert.Contains(service.Process.Stderr, l => l.Contains("link c: added (configuration reload)", StringComparison.Ordinal));
        TimeSpan silence = setup.Capture.LongestSilence(windowStart, Ristbond.Platform.MonotonicClock.NowNanos);
        Assert.True(silence < TimeSpan.FromMilliseconds(100), $"the receiver's output paused for {silence.TotalMilliseconds:0} ms while the reload changed links");

        // What cannot change live is said once, however many reloads repeat it.
        service.WriteConfig(Config(setup, [setup.Links[0], c], input: "udp://@:" + Ports.FreeUdp()));
        service.Process.Hangup();
        Assert.True(service.WaitForLog("needs a restart", TimeSpan.FromSeconds(5)), "no 'needs a restart'\n" + service.Transcript());
        service.Process.Hangup();
        Thread.Sleep(TimeSpan.FromSeconds(1.5));
        Assert.Single(service.Process.Stderr, l => l.Contains("input changed: needs a restart", StringComparison.Ordinal));

        service.Process.Interrupt();
        Assert.True(service.Process.WaitForExit(TimeSpan.FromSeconds(5)), "did not stop\n" + service.Transcript());
        Assert.Equal(0, service.Process.ExitCode);
        Thread.Sleep(1500);
        string context = $"{setup.Capture.Summary()}\nreceiver lost={setup.Receiver.Lost}\n{service.Transcript()}";
        setup.Capture.Read(v =>
        {
            Assert.True(v.Missing == 0, $"{v.Missing} packets missing at the receiver\n{context}");
            Assert.True(v.OutOfOrder == 0 && v.Corrupt == 0, $"out of order or corrupt packets\n{context}");
            return 0;
        });
        Assert.Equal(0, setup.Receiver.Lost);
        Assert.True(c.UpCounters.PacketsForwarded > 100, $"the added link c carried only {c.UpCounters.PacketsForwarded} packets\n{context}");
    }
}
