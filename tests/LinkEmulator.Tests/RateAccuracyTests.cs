using System.Net;
using Ristbond.LinkEmulator.Tests.Harness;
using Ristbond.Platform;
using static Ristbond.LinkEmulator.Tests.Harness.Measure;

namespace Ristbond.LinkEmulator.Tests;

/// <summary>Rate limiting over real UDP: offered twice the rate, the link delivers the rate and tail-drops the rest.</summary>
[Collection(TimingCollection.Name)]
public sealed class RateAccuracyTests
{
    const int Payload = 1316;                          // one RIST datagram of 7 TS packets
    const int Wire = Payload + DirectionProfile.IpUdpOverheadBytes;
    const double DelayMs = 10;
    const double OfferSeconds = 3.5;

    [Theory]
    [InlineData(4_000_000)]
    [InlineData(20_000_000)]
    public void Offered_twice_the_rate_delivers_the_rate_with_a_bounded_queue(long rateBps)
    {
        double offeredPps = 2.0 * rateBps / (Wire * 8);
        int count = (int)(offeredPps * OfferSeconds);
        using var target = new EchoTarget(count, echo: false);
        using var client = new ProbeClient(count);
        using var link = new EmulatedLink("rate", new IPEndPoint(IPAddress.Loopback, 0), target.EndPoint,
            new DirectionProfile { RateBps = rateBps, DelayMs = DelayMs }, DirectionProfile.Unimpaired, seed: 1);
        link.Start();

        double maxCounterQueueMs = 0;
        client.SendPaced(link.ListenEndPoint, 0, count, Payload, offeredPps, i =>
        {
            if (i % 64 == 0)
                maxCounterQueueMs = Math.Max(maxCounterQueueMs, link.UpCounters.QueueDelayMs);
        });
        target.Log.WaitQuiet(TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(3));

        // Delivered rate, measured at the target after the queue has filled (first second skipped).
        long[] arrivals = target.Log.ArrivalTimesInOrder();
        double delivered = DeliveredRate(arrivals, Wire, arrivals[0] + 1_000_000_000, arrivals[^1]);
        double rateError = (delivered - rateBps) / rateBps;

        // Queueing delay seen by packets: one-way delay minus the fixed delay.
        double serializationMs = Wire * 8 * 1000.0 / rateBps;
        double limitMs = DirectionProfile.DefaultQueueMs + serializationMs;
        List<double> queueMs = [.. Enumerable.Range(0, count).Where(s => target.Log.Arrived(s))
            .Select(s => (target.Log.ArrivalNanos[s] - client.SentNanos[s]) / 1e6 - DelayMs)];
        double p90QueueMs = Percentile(queueMs, 90), p99QueueMs = Percentile(queueMs, 99), maxQueueMs = queueMs.Max();

        LinkCounters up = link.UpCounters;
        Report($"rate {rateBps / 1e6} Mbit/s: delivered {F(delivered / 1e6, "0.0000")} Mbit/s ({F(rateError * 100, "+0.000;-0.000;0.000")}%), " +
               $"queue delay by packets p90 {F(p90QueueMs, "0.00")} / p99 {F(p99QueueMs, "0.00")} / max {F(maxQueueMs, "0.00")} ms, by counters max {F(maxCounterQueueMs, "0.00")} ms (limit {F(limitMs, "0.00")}), " +
               $"in {up.PacketsIn}, forwarded {up.PacketsForwarded}, queue drops {up.PacketsDroppedQueue}");

        Assert.InRange(rateError, -0.05, 0.05);
        Assert.InRange(rateError, -0.01, 0.01); // what the model actually achieves; a regression shows here first
        Assert.True(up.PacketsDroppedQueue > count / 3, $"expected about half the packets tail-dropped, got {up.PacketsDroppedQueue} of {count}");
        // The model never queues beyond the limit (the counters read it directly). What packets see on top is the
        // host's wake-up latency: < 0.5 ms at p99 on an idle machine, up to 15 ms when both cores are busy.
        Assert.InRange(maxCounterQueueMs, DirectionProfile.DefaultQueueMs * 0.9, limitMs + 0.01);
        Assert.InRange(p90QueueMs, DirectionProfile.DefaultQueueMs * 0.9, limitMs + 2);
        // The single worst packet is the host's worst wake-up on a busy machine (25 ms seen once in CI-like runs):
        // reported, not asserted; the 99th percentile still bounds what the host adds.
        Assert.InRange(p99QueueMs, DirectionProfile.DefaultQueueMs * 0.9, limitMs + 10);
        Assert.Equal(0, up.PacketsDroppedOther);
        Assert.Equal(count, up.PacketsIn);
        Assert.Equal(up.PacketsIn, up.PacketsForwarded + up.PacketsDroppedQueue);
        Assert.Equal(up.PacketsForwarded, target.Log.Count);
        Assert.Null(link.Fault);
    }

    [Fact]
    public void Explicit_queue_bytes_bound_the_queueing_delay()
    {
        const long rate = 4_000_000;
        const int queueBytes = 50_000;                  // 100 ms at 4 Mbit/s
        double offeredPps = 2.0 * rate / (Wire * 8);
        int count = (int)(offeredPps * 1.5);
        using var target = new EchoTarget(count, echo: false);
        using var client = new ProbeClient(count);
        using var link = new EmulatedLink("qbytes", new IPEndPoint(IPAddress.Loopback, 0), target.EndPoint,
            new DirectionProfile { RateBps = rate, QueueBytes = queueBytes }, DirectionProfile.Unimpaired, seed: 1);
        link.Start();

        client.SendPaced(link.ListenEndPoint, 0, count, Payload, offeredPps);
        target.Log.WaitQuiet(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(3));

        double limitMs = (queueBytes + Wire) * 8 * 1000.0 / rate;
        List<double> queueMs = [.. Enumerable.Range(0, count).Where(s => target.Log.Arrived(s))
            .Select(s => (target.Log.ArrivalNanos[s] - client.SentNanos[s]) / 1e6)];
        Report($"queue_bytes {queueBytes}: queueing delay p90 {F(Percentile(queueMs, 90), "0.00")} / max {F(queueMs.Max(), "0.00")} ms (limit {F(limitMs, "0.00")} ms)");
        Assert.InRange(Percentile(queueMs, 90), limitMs * 0.85, limitMs + 2);
        Assert.InRange(queueMs.Max(), limitMs * 0.85, limitMs + 25);
    }
}
