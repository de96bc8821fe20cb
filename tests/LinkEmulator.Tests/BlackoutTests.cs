using System.Net;
using Ristbond.LinkEmulator.Tests.Harness;
using Ristbond.Platform;
using static Ristbond.LinkEmulator.Tests.Harness.Measure;

namespace Ristbond.LinkEmulator.Tests;

/// <summary>Blackouts over real UDP: nothing passes either way while dark, traffic resumes after.</summary>
[Collection(TimingCollection.Name)]
public sealed class BlackoutTests
{
    const int Payload = 200;
    const double Pps = 500;
    const double DelayMs = 20;

    [Fact]
    public void Timed_blackout_passes_nothing_either_way_then_resumes()
    {
        const int count = 1500;                              // 3 s; blackout from 1.0 s for 1.0 s
        using var target = new EchoTarget(count, echo: true);
        using var client = new ProbeClient(count);
        var profile = new DirectionProfile { DelayMs = DelayMs };
        using var link = new EmulatedLink("dark", new IPEndPoint(IPAddress.Loopback, 0), target.EndPoint, profile, profile, seed: 1);
        link.Start();

        long blackoutStart = 0;
        client.SendPaced(link.ListenEndPoint, 0, count, Payload, Pps, i =>
        {
            if (i == 500)
            {
                blackoutStart = MonotonicClock.NowNanos;
                link.BlackoutFor(TimeSpan.FromSeconds(1));
            }
        });
        client.Echoes.WaitQuiet(TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));
        AssertDarkThenResumed(link, target, client, blackoutStart, blackoutStart + 1_000_000_000, count);
    }

    [Fact]
    public void Manual_blackout_passes_nothing_until_switched_off()
    {
        const int count = 750;                               // 1.5 s; dark from 0.5 s to 1.0 s
        using var target = new EchoTarget(count, echo: true);
        using var client = new ProbeClient(count);
        var profile = new DirectionProfile { DelayMs = DelayMs };
        using var link = new EmulatedLink("switch", new IPEndPoint(IPAddress.Loopback, 0), target.EndPoint, profile, profile, seed: 1);
        link.Start();

        long on = 0, off = 0;
        client.SendPaced(link.ListenEndPoint, 0, count, Payload, Pps, i =>
        {
            if (i == 250)
            {
                on = MonotonicClock.NowNanos;
                link.SetBlackout(true);
            }
            else if (i == 500)
            {
                link.SetBlackout(false);
                off = MonotonicClock.NowNanos;
            }
        });
        client.Echoes.WaitQuiet(TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));
        AssertDarkThenResumed(link, target, client, on, off, count);
    }

    static void AssertDarkThenResumed(EmulatedLink link, EchoTarget target, ProbeClient client, long start, long end, int count)
    {
        // A send already inside sendto() when the blackout starts may still land: allow 1 ms at the edges.
        const long edge = 1_000_000;
        long[] up = target.Log.ArrivalTimesInOrder();
        long[] down = client.Echoes.ArrivalTimesInOrder();
        int upDuring = up.Count(t => t > start + edge && t < end);
        int downDuring = down.Count(t => t > start + edge && t < end);
        long resumeAfter = end + (long)(2 * DelayMs * 1e6) + 5_000_000;
        int upAfter = up.Count(t => t > resumeAfter);
        int downAfter = down.Count(t => t > resumeAfter);
        // Expected: every probe whose one-way (up) or round trip (down) ends after resumeAfter.
        int upExpected = client.SentNanos.Take(count).Count(t => t + DelayMs * 1e6 > resumeAfter);
        int downExpected = client.SentNanos.Take(count).Count(t => t + 2 * DelayMs * 1e6 > resumeAfter);
        LinkCounters u = link.UpCounters, d = link.DownCounters;
        Report($"blackout {F((end - start) / 1e6, "0")} ms: arrivals during up {upDuring} / down {downDuring}; " +
               $"after: up {upAfter}/{upExpected}, down {downAfter}/{downExpected}; " +
               $"blackout drops up {u.PacketsDroppedBlackout}, down {d.PacketsDroppedBlackout}");

        Assert.Equal(0, upDuring);
        Assert.Equal(0, downDuring);
        Assert.InRange(upAfter, upExpected - 2, upExpected + 2);
        Assert.InRange(downAfter, downExpected - 2, downExpected + 2);
        double darkPackets = (end - start) / 1e9 * Pps;
        Assert.InRange(u.PacketsDroppedBlackout, darkPackets * 0.95, darkPackets * 1.05 + DelayMs * Pps / 1000);
        Assert.True(d.PacketsDroppedBlackout > 0, "echoes in flight when the blackout started should be dropped");
        Assert.Equal(u.PacketsIn, u.PacketsForwarded + u.PacketsDroppedBlackout);
    }
}
