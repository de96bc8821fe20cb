using System.Net;
using Ristbond.LinkEmulator.Tests.Harness;
using static Ristbond.LinkEmulator.Tests.Harness.Measure;

namespace Ristbond.LinkEmulator.Tests;

/// <summary>Random loss over real UDP: Bernoulli and Gilbert-Elliott statistics, and determinism per seed.</summary>
[Collection(TimingCollection.Name)]
public sealed class LossTests
{
    const int Payload = 64;
    const int Count = 20_000;
    const double Pps = 10_000;                           // 2 s per run

    [Fact]
    public void Bernoulli_loss_matches_its_probability_in_isolated_drops()
    {
        const double p = 0.05;
        (ArrivalLog log, LinkCounters up) = Run(new DirectionProfile { Loss = p }, Count, seed: 11);

        double measured = (double)up.PacketsLost / up.PacketsIn;
        double sigma = Math.Sqrt(p * (1 - p) / Count);
        List<int> bursts = LossBursts(log, Count);
        double meanBurst = bursts.Average();
        Report($"Bernoulli {p:P0}: lost {up.PacketsLost}/{up.PacketsIn} = {F(measured * 100, "0.000")}% " +
               $"({F((measured - p) / sigma, "+0.00;-0.00")}σ), mean burst {F(meanBurst, "0.000")} packets (1/(1-p) = {F(1 / (1 - p), "0.000")})");

        Assert.Equal(Count, up.PacketsIn);
        Assert.InRange(measured, p - 4.5 * sigma, p + 4.5 * sigma);
        Assert.Equal(up.PacketsIn - up.PacketsLost, log.Count);   // the target saw exactly the survivors
        Assert.InRange(meanBurst, 1.0, 1.15);
    }

    [Fact]
    public void Gilbert_elliott_loss_has_its_mean_and_long_bursts()
    {
        var ge = new GilbertElliott(P: 0.01, R: 0.2);        // mean p/(p+r) = 4.76 %, mean burst 1/r = 5
        (ArrivalLog log, LinkCounters up) = Run(new DirectionProfile { Burst = ge }, Count, seed: 12);

        double mean = ge.MeanLoss;
        // The loss indicator is a two-state Markov chain with eigenvalue λ = 1 − p − r: the variance of its
        // mean is the Bernoulli one times (1 + λ)/(1 − λ).
        double lambda = 1 - ge.P - ge.R;
        double sigma = Math.Sqrt(mean * (1 - mean) / Count * (1 + lambda) / (1 - lambda));
        double measured = (double)up.PacketsLost / up.PacketsIn;
        List<int> bursts = LossBursts(log, Count);
        double meanBurst = bursts.Average();
        Report($"Gilbert-Elliott p={ge.P} r={ge.R}: lost {F(measured * 100, "0.000")}% (expected {F(mean * 100, "0.000")}%, " +
               $"{F((measured - mean) / sigma, "+0.00;-0.00")}σ), mean burst {F(meanBurst, "0.00")} packets (1/r = {F(1 / ge.R, "0.00")}), {bursts.Count} bursts");

        Assert.Equal(Count, up.PacketsIn);
        Assert.InRange(measured, mean - 4.5 * sigma, mean + 4.5 * sigma);
        Assert.Equal(up.PacketsIn - up.PacketsLost, log.Count);
        Assert.InRange(meanBurst, 4.0, 6.0);
    }

    [Fact]
    public void Same_seed_drops_the_same_packets_and_another_seed_does_not()
    {
        const int count = 4000;
        var profile = new DirectionProfile { Loss = 0.05, Burst = new GilbertElliott(0.02, 0.3) };
        int[] first = Dropped(Run(profile, count, seed: 7).Log, count);
        int[] again = Dropped(Run(profile, count, seed: 7).Log, count);
        int[] other = Dropped(Run(profile, count, seed: 8).Log, count);
        Report($"seed 7: {first.Length} drops, first {string.Join(",", first.Take(8))}; rerun identical: {first.SequenceEqual(again)}; " +
               $"seed 8: {other.Length} drops, first {string.Join(",", other.Take(8))}");

        Assert.True(first.Length > count / 20);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    static int[] Dropped(ArrivalLog log, int count) => [.. Enumerable.Range(0, count).Where(s => !log.Arrived(s))];

    /// <summary>Sends <paramref name="count"/> probes up through a fresh link and returns what arrived and the counters.</summary>
    static (ArrivalLog Log, LinkCounters Up) Run(DirectionProfile up, int count, ulong seed)
    {
        using var target = new EchoTarget(count, echo: false);
        using var client = new ProbeClient(count);
        using var link = new EmulatedLink("loss", new IPEndPoint(IPAddress.Loopback, 0), target.EndPoint, up, DirectionProfile.Unimpaired, seed);
        link.Start();
        client.SendPaced(link.ListenEndPoint, 0, count, Payload, Pps);
        target.Log.WaitQuiet(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3));
        LinkCounters counters = link.UpCounters;
        Assert.Equal(0, counters.PacketsDroppedOther);
        Assert.Equal(counters.PacketsForwarded, target.Log.Count);  // nothing lost outside the emulator
        return (target.Log, counters);
    }
}
