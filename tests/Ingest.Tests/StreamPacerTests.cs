using Ristbond.Ingest.Pacing;
using Ristbond.Ingest.Tests.Harness;
using Ristbond.MpegTs;

namespace Ristbond.Ingest.Tests;

/// <summary>
/// The stream pacer on a simulated clock: a burst (a keyframe, an encoder's bunching) leaves at the pacing rate, no
/// datagram waits longer than the latency budget, nothing is lost or reordered, and the path allocates nothing.
/// </summary>
public sealed class StreamPacerTests
{
    const int Bits = TsPacket.DatagramSize * 8;
    static readonly byte[] s_datagram = new byte[TsPacket.DatagramSize];

    /// <summary>Hands datagrams to a pacer made by <paramref name="create"/> at the given times and runs it until all have left.</summary>
    static List<long> Pace(Func<IDatagramSink, StreamPacer> create, SimulatedClock clock, IReadOnlyList<long> arrivals, out StreamPacer pacer)
    {
        using var done = new CancellationTokenSource();
        var sink = new StopAfterSink(clock, arrivals.Count, done);
        pacer = create(sink);
        int next = 0;
        // One thread plays both sides: hand over what has arrived by now, then let the pacer run to its next sleep.
        while (!done.IsCancellationRequested)
        {
            while (next < arrivals.Count && arrivals[next] <= clock.NowNanos)
            {
                pacer.Send(Stamp(s_datagram, next));
                next++;
            }
            long until = next < arrivals.Count ? arrivals[next] : long.MaxValue;
            pacer.RunUntil(until, done.Token);
            if (next < arrivals.Count && clock.NowNanos < arrivals[next])
                clock.SleepUntil(arrivals[next]);
        }
        Assert.Equal(Enumerable.Range(0, arrivals.Count), sink.Order);
        return sink.Times;
    }

    static byte[] Stamp(byte[] datagram, int index)
    {
        BitConverter.TryWriteBytes(datagram.AsSpan(0, 4), index);
        return datagram;
    }

    [Fact]
    public void A_burst_leaves_at_the_pacing_rate_and_no_datagram_waits_past_the_budget()
    {
        var clock = new SimulatedClock();
        var options = new PacerOptions { LatencyBudgetMs = 200, PeakFactor = 1.25 };
        long t0 = clock.NowNanos;
        // A keyframe of 120 datagrams (1.26 Mbit) arrives at once: at 5 Mbit/s that is 253 ms of sending.
        List<long> sent = Pace(sink => new StreamPacer(sink, options, 20_000_000, 4_000_000, clock), clock, [.. Enumerable.Repeat(t0, 120)], out StreamPacer pacer);

        double spacing = Bits / (4_000_000 * 1.25) * 1e9;
        long budget = options.LatencyBudgetMs * 1_000_000L;
        Assert.All(sent, t => Assert.InRange(t - t0, 0, budget));
        // Up to the budget they leave evenly at the pacing rate (after the bucket's couple of datagrams)...
        int paced = sent.Count(t => t - t0 < budget);
        Assert.InRange(paced, (int)(budget / spacing) - 3, (int)(budget / spacing) + 3);
        for (int i = 3; i < paced; i++)
            Assert.InRange(sent[i] - sent[i - 1], spacing * 0.95, spacing * 1.05);
        // ... and what is left at the budget leaves then, counted as late.
        Assert.Equal(120 - paced, pacer.LateDatagrams);
    }

    [Fact]
    public void A_stream_at_its_rate_passes_through_without_delay()
    {
        var clock = new SimulatedClock();
        long interval = (long)(Bits / 4_000_000.0 * 1e9);
        long[] arrivals = [.. Enumerable.Range(0, 500).Select(i => clock.NowNanos + i * interval)];
        List<long> sent = Pace(sink => new StreamPacer(sink, new PacerOptions(), 20_000_000, 4_000_000, clock), clock, arrivals, out StreamPacer pacer);
        Assert.All(sent.Zip(arrivals), p => Assert.InRange(p.First - p.Second, 0, 1_000_000));
        Assert.Equal(0, pacer.LateDatagrams);
    }

    [Fact]
    public void A_higher_source_rate_takes_effect_at_once()
    {
        var clock = new SimulatedClock();
        long t0 = clock.NowNanos;
        List<long> sent = Pace(sink => new StreamPacer(sink, new PacerOptions { LatencyBudgetMs = 1000 }, 20_000_000, 1_000_000, clock) { SourceRateBps = 8_000_000 },
            clock, [.. Enumerable.Repeat(t0, 100)], out _);
        // 100 datagrams at 10 Mbit/s: about 105 ms, not the 1 s they would take at 1.25 Mbit/s.
        Assert.InRange(sent[^1] - t0, 95_000_000, 115_000_000);
    }

    [Fact]
    public void What_is_queued_when_the_pacer_stops_is_handed_on_not_dropped()
    {
        var clock = new SimulatedClock();
        var sink = new CountingSink();
        var pacer = new StreamPacer(sink, new PacerOptions(), 20_000_000, 1_000_000, clock);
        for (int i = 0; i < 50; i++)
            pacer.Send(s_datagram);
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();
        pacer.Run(stopped.Token);
        Assert.Equal(50L * TsPacket.DatagramSize, sink.Bytes);
        Assert.Equal(0, pacer.Queued);
    }

    [Fact]
    public void The_packet_path_allocates_nothing()
    {
        var clock = new SimulatedClock();
        var pacer = new StreamPacer(new CountingSink(), new PacerOptions(), 20_000_000, 4_000_000, clock);
        using var never = new CancellationTokenSource();
        void Round()
        {
            for (int i = 0; i < 64; i++)
                pacer.Send(s_datagram);
            pacer.RunUntil(clock.NowNanos + 1_000_000_000, never.Token);
        }
        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 20; round++)
            Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, pacer.Queued);
    }

    [Fact]
    public void A_budget_outside_its_range_is_refused_naming_the_option()
    {
        var e = Assert.Throws<Platform.RistbondException>(() => new PacerOptions { LatencyBudgetMs = 5 }.Checked());
        Assert.Contains("--latency-budget", e.Message, StringComparison.Ordinal);
    }

    sealed class StopAfterSink(SimulatedClock clock, int count, CancellationTokenSource done) : IDatagramSink
    {
        public List<long> Times { get; } = [];
        public List<int> Order { get; } = [];

        public void Send(ReadOnlySpan<byte> datagram)
        {
            Times.Add(clock.NowNanos);
            Order.Add(BitConverter.ToInt32(datagram[..4]));
            if (Times.Count == count)
                done.Cancel();
        }
    }
}
