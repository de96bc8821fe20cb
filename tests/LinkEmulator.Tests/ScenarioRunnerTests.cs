using System.Net;
using Ristbond.LinkEmulator.Tests.Harness;
using Ristbond.Platform;
using static Ristbond.LinkEmulator.Tests.Harness.Measure;

namespace Ristbond.LinkEmulator.Tests;

/// <summary>Scenarios end to end over real UDP: events fire on time and change what the link does.</summary>
[Collection(TimingCollection.Name)]
public sealed class ScenarioRunnerTests
{
    const int Payload = 1316;
    const int Wire = Payload + DirectionProfile.IpUdpOverheadBytes;

    [Fact]
    public void An_event_changes_the_rate_at_its_time()
    {
        const double offeredPps = 12e6 / (Wire * 8);        // 12 Mbit/s offered: above both rates
        int count = (int)(offeredPps * 2.6);
        using var target = new EchoTarget(count, echo: false);
        string json = $$"""
            { "seed": 5,
              "links": [ { "name": "cell", "listen": "127.0.0.1:0", "target": "{{target.EndPoint}}",
                           "up": { "rate": "8M", "delay_ms": 20 } } ],
              "events": [ { "at": 1.0, "link": "cell", "up": { "rate": "2M" } } ] }
            """;
        ScenarioFile scenario = Scenario.Parse(json, "inline.json");
        using var client = new ProbeClient(count);
        using var runner = new ScenarioRunner(scenario);
        EmulatedLink link = runner["cell"];
        Assert.NotEqual(0, link.ListenEndPoint.Port);
        runner.Start();

        client.SendPaced(link.ListenEndPoint, 0, count, Payload, offeredPps);
        target.Log.WaitQuiet(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(3));

        long t0 = runner.StartedAtNanos;
        long[] arrivals = target.Log.ArrivalTimesInOrder();
        // Before: from 0.4 s (queue full) to the event. After: from 1.0 + 0.25 s (the 8M queue drained) + margin.
        double before = DeliveredRate(arrivals, Wire, t0 + 400_000_000, t0 + 1_000_000_000);
        double after = DeliveredRate(arrivals, Wire, t0 + 1_400_000_000, t0 + 2_600_000_000);
        Report($"scenario rate 8M → 2M at 1.0 s: before {F(before / 1e6, "0.000")} Mbit/s, after {F(after / 1e6, "0.000")} Mbit/s, " +
               $"events applied {runner.EventsApplied}");

        Assert.Equal(1, runner.EventsApplied);
        Assert.Equal(2_000_000, link.UpProfile.RateBps);
        Assert.Equal(20, link.UpProfile.DelayMs);            // a partial profile keeps the other fields
        Assert.InRange(before, 8e6 * 0.95, 8e6 * 1.05);
        Assert.InRange(after, 2e6 * 0.95, 2e6 * 1.05);
        Assert.Null(runner.Fault);
    }

    [Fact]
    public void A_blackout_event_darkens_the_link_for_its_duration()
    {
        const int count = 600;                               // 1.2 s at 500 packets/s
        using var target = new EchoTarget(count, echo: false);
        string json = $$"""
            { "links": [ { "name": "a", "listen": "127.0.0.1:0", "target": "{{target.EndPoint}}" } ],
              "events": [ { "at": 0.4, "link": "a", "blackout": 0.4 } ] }
            """;
        using var client = new ProbeClient(count);
        using var runner = new ScenarioRunner(Scenario.Parse(json, "inline.json"));
        runner.Start();
        client.SendPaced(runner["a"].ListenEndPoint, 0, count, 100, 500);
        target.Log.WaitQuiet(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));

        long t0 = runner.StartedAtNanos;
        long[] arrivals = target.Log.ArrivalTimesInOrder();
        int during = arrivals.Count(t => t > t0 + 402_000_000 && t < t0 + 800_000_000);
        int after = arrivals.Count(t => t > t0 + 805_000_000);
        Report($"scenario blackout 0.4 s at 0.4 s: {during} arrivals during, {after} after, drops {runner["a"].UpCounters.PacketsDroppedBlackout}");
        Assert.Equal(0, during);
        Assert.True(after > 150, $"only {after} packets after the blackout");
        Assert.InRange(runner["a"].UpCounters.PacketsDroppedBlackout, 190, 210);
    }

    [Fact]
    public void The_relay_allocates_nothing_per_packet()
    {
        const int count = 20_000;
        using var target = new EchoTarget(count, echo: true);
        using var client = new ProbeClient(count);
        var profile = new DirectionProfile { RateBps = 50_000_000, DelayMs = 5, JitterMs = 1, Loss = 0.01 };
        using var link = new EmulatedLink("alloc", new IPEndPoint(IPAddress.Loopback, 0), target.EndPoint, profile, profile, seed: 1);
        link.Start();
        client.SendPaced(link.ListenEndPoint, 0, 500, 500, 10_000);   // warm up: JIT, first-client copy, thread starts
        client.Echoes.WaitQuiet(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));

        long before = GC.GetTotalAllocatedBytes(precise: true);
        client.SendPaced(link.ListenEndPoint, 500, count - 500, 500, 10_000);   // 42 Mbit/s: under the rate
        client.Echoes.WaitQuiet(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        int relayed = (int)(link.UpCounters.PacketsForwarded + link.DownCounters.PacketsForwarded);
        Report($"allocation: {allocated} bytes in the whole process while relaying {relayed} packets ({F((double)allocated / relayed, "0.00")} B/packet)");
        Assert.True(relayed > 35_000, $"only {relayed} packets relayed");
        // The test host allocates a little on its own; one object per packet would be ≥ 24 B × 35,000.
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated while relaying {relayed} packets");
    }
}
