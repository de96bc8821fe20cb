using System.Net;
using Ristbond.LinkEmulator.Tests.Harness;
using static Ristbond.LinkEmulator.Tests.Harness.Measure;

namespace Ristbond.LinkEmulator.Tests;

/// <summary>One-way delay and jitter over real UDP, both directions, measured on one monotonic clock.</summary>
[Collection(TimingCollection.Name)]
public sealed class DelayAccuracyTests
{
    const int Payload = 200;

    [Theory]
    [InlineData(30.0)]
    [InlineData(120.0)]
    public void Fixed_delay_is_accurate_in_both_directions(double delayMs)
    {
        const int count = 300;                               // 1.5 s at 200 packets/s
        using var target = new EchoTarget(count, echo: true);
        using var client = new ProbeClient(count);
        var profile = new DirectionProfile { DelayMs = delayMs };
        using var link = new EmulatedLink("delay", new IPEndPoint(IPAddress.Loopback, 0), target.EndPoint, profile, profile, seed: 1);
        link.Start();

        client.SendPaced(link.ListenEndPoint, 0, count, Payload, 200);
        client.Echoes.WaitQuiet(TimeSpan.FromMilliseconds(2 * delayMs + 100), TimeSpan.FromSeconds(3));

        List<double> up = [], down = [];
        for (int s = 0; s < count; s++)
        {
            if (!client.Echoes.Arrived(s))
                continue;
            up.Add((client.Echoes.UpArrivalNanos[s] - client.SentNanos[s]) / 1e6);
            down.Add((client.Echoes.ArrivalNanos[s] - client.Echoes.PeerSendNanos[s]) / 1e6);
        }
        foreach ((string name, List<double> d) in new[] { ("up", up), ("down", down) })
        {
            Report($"delay {delayMs} ms {name}: mean {F(Mean(d), "0.000")}, min {F(d.Min(), "0.000")}, median {F(Percentile(d, 50), "0.000")}, " +
                   $"p99 {F(Percentile(d, 99), "0.000")}, max {F(d.Max(), "0.000")} ms over {d.Count} packets");
            Assert.Equal(count, d.Count);
            Assert.InRange(d.Min(), delayMs, delayMs + 2);          // never early: the delay starts on arrival
            Assert.InRange(Percentile(d, 50), delayMs, delayMs + 1);
            // The tail is the host's scheduling latency, not the model: p99 is < 1 ms on an idle machine but
            // reaches 5-15 ms (and a CPU-quota stall 100 ms) when other processes keep both cores busy. So the
            // mean is taken over the best 95 %, and the tail is reported, not asserted.
            Assert.InRange(Mean(d.Order().Take(d.Count * 95 / 100).ToList()), delayMs - 2, delayMs + 2);
        }
    }

    [Fact]
    public void Jitter_spreads_the_delay_uniformly_without_reordering()
    {
        const int count = 100;
        const double delayMs = 50, jitterMs = 10;
        using var target = new EchoTarget(count, echo: false);
        using var client = new ProbeClient(count);
        using var link = new EmulatedLink("jitter", new IPEndPoint(IPAddress.Loopback, 0), target.EndPoint,
            new DirectionProfile { DelayMs = delayMs, JitterMs = jitterMs }, DirectionProfile.Unimpaired, seed: 3);
        link.Start();

        // 50 packets/s for 2 s: 20 ms apart, the full width of the jitter, so no packet is ever held up by the
        // one before it and the measured spread is the pure U(−10, +10) ms.
        client.SendPaced(link.ListenEndPoint, 0, count, Payload, 50);
        target.Log.WaitQuiet(TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));

        List<double> d = [.. Enumerable.Range(0, count).Select(s => (target.Log.ArrivalNanos[s] - client.SentNanos[s]) / 1e6)];
        // A busy host adds its scheduling latency to the odd packet; those land above the jitter's range and are
        // counted, and the distribution is judged on the rest (on an idle machine that is every packet).
        List<double> inRange = [.. d.Where(x => x <= delayMs + jitterMs + 2)];
        double expectedStd = jitterMs / Math.Sqrt(3);
        Report($"jitter ±{jitterMs} ms on {delayMs} ms: mean {F(Mean(inRange), "0.00")}, std {F(StdDev(inRange), "0.00")} (uniform: {F(expectedStd, "0.00")}), " +
               $"min {F(d.Min(), "0.00")}, max {F(d.Max(), "0.00")} ms, {d.Count - inRange.Count} late outliers");
        Assert.InRange(d.Count - inRange.Count, 0, count / 10);
        Assert.InRange(d.Min(), delayMs - jitterMs, delayMs - jitterMs * 0.6);   // never earlier than the model allows
        Assert.InRange(inRange.Max(), delayMs + jitterMs * 0.6, delayMs + jitterMs + 2);
        Assert.InRange(Mean(inRange), delayMs - 2, delayMs + 2);
        Assert.InRange(StdDev(inRange), expectedStd * 0.8, expectedStd * 1.2);
        AssertInOrder(target.Log, count);
    }

    [Fact]
    public void Jitter_larger_than_the_packet_spacing_never_reorders()
    {
        const int count = 2000;                              // 1 s at 2000 packets/s: 0.5 ms apart, jitter ±20 ms
        using var target = new EchoTarget(count, echo: false);
        using var client = new ProbeClient(count);
        using var link = new EmulatedLink("reorder", new IPEndPoint(IPAddress.Loopback, 0), target.EndPoint,
            new DirectionProfile { DelayMs = 30, JitterMs = 20 }, DirectionProfile.Unimpaired, seed: 4);
        link.Start();

        client.SendPaced(link.ListenEndPoint, 0, count, Payload, 2000);
        target.Log.WaitQuiet(TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));

        List<double> d = [.. Enumerable.Range(0, count).Select(s => (target.Log.ArrivalNanos[s] - client.SentNanos[s]) / 1e6)];
        Report($"jitter ±20 ms at 0.5 ms spacing: {target.Log.Count} packets in order, delay min {F(d.Min(), "0.00")}, mean {F(Mean(d), "0.00")}, max {F(d.Max(), "0.00")} ms");
        AssertInOrder(target.Log, count);
        // Holding packets back behind late ones only ever raises a delay, never above the largest draw.
        Assert.InRange(d.Min(), 10, 50);
        Assert.InRange(Percentile(d, 90), 40, 52);
    }

    static void AssertInOrder(ArrivalLog log, int expected)
    {
        Assert.Equal(expected, log.Count);
        for (int i = 1; i < log.Count; i++)
            Assert.True(log.Order[i] > log.Order[i - 1], $"packet {log.Order[i]} arrived after {log.Order[i - 1]}");
    }
}
