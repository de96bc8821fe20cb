using Ristbond.Bonding;

namespace Ristbond.Bonding.Tests;

/// <summary>
/// Stage 1 alone: one link's capacity from what it was sent and the queue seen through its RTT reports (every 50 ms,
/// ticks every 100 ms), as librist would show a FIFO bottleneck: a queue fed at r over a capacity C is seen growing
/// at 1 − C/r seconds per second.
/// </summary>
public sealed class CapacityEstimatorTests
{
    static readonly BondingOptions s_options = new();
    const long Report = 50_000_000;
    const long TickNanos = 100_000_000;
    const double BaseRttMs = 30;

    sealed class Link(double estimateBps)
    {
        public readonly RttTracker Rtt = new(s_options);
        public readonly CapacityEstimator Capacity = new(s_options, estimateBps);
        public long Now = 1_000_000_000;
        public double QueueMs;

        /// <summary>One tick at <paramref name="sentBps"/>: two reports with the queue moved by <paramref name="slopeSeen"/> s/s (or set to <paramref name="queueMs"/>).</summary>
        public void Tick(double sentBps, double slopeSeen = 0, double? queueMs = null, double answers = 1)
        {
            for (int i = 0; i < 2; i++)
            {
                Now += Report;
                QueueMs = queueMs ?? Math.Max(0, QueueMs + slopeSeen * Report / 1e6);
                Rtt.Add(Math.Round(BaseRttMs + QueueMs), Now);
            }
            Capacity.Update(sentBps, sentBps, Rtt, carriesTraffic: true, Now, TickNanos / 1e9, answers);
        }

        public void Run(double seconds, double sentBps, double slopeSeen = 0, double? queueMs = null, double answers = 1)
        {
            for (int i = 0; i < seconds * 10; i++)
                Tick(sentBps, slopeSeen, queueMs, answers);
        }
    }

    static Link Settled(double estimateBps, double sentBps)
    {
        var link = new Link(estimateBps);
        link.Run(11, sentBps, queueMs: 0); // the base RTT window fills; no queue
        return link;
    }

    [Fact]
    public void A_queue_fed_faster_than_the_link_carries_measures_its_capacity()
    {
        Link link = Settled(6_000_000, 4_000_000);
        // Sent 5 Mbit/s over a 4 Mbit/s bottleneck: the queue is seen growing at 1 − 4/5 = 0.2 s/s. A queue building
        // (not racing) cuts by 15% at most per reading, each on what was sent since the last: 6 → 5.1 → 4.3 → 4.
        link.Run(1.2, 5_000_000, slopeSeen: 0.2);
        Assert.InRange(link.Capacity.EstimateBps, 3_800_000, 4_200_000);
        Assert.True(link.Capacity.FoundCapacity);
    }

    [Fact]
    public void A_queue_we_fed_draining_measures_the_capacity_too()
    {
        Link link = Settled(5_000_000, 4_000_000);
        link.Run(0.6, 5_000_000, slopeSeen: 0.2); // fed: about 4 Mbit/s measured, a queue of 120 ms
        link.Run(0.4, 3_000_000, slopeSeen: 0); // the cut reaches the queue a round trip later
        // Sent 3 Mbit/s to a 4 Mbit/s bottleneck: the queue drains at 1 − 4/3 = −0.33 s/s.
        link.Run(0.5, 3_000_000, slopeSeen: -1 / 3.0);
        Assert.InRange(link.Capacity.EstimateBps, 3_700_000, 4_300_000);
    }

    [Fact]
    public void A_link_the_stream_did_not_fill_keeps_its_estimate()
    {
        Link link = Settled(5_000_000, 4_500_000);
        double before = link.Capacity.EstimateBps;
        // A quiet scene: the encoder makes a fifth of what the link could carry, for half a minute.
        link.Run(30, 1_000_000, queueMs: 0);
        Assert.Equal(before, link.Capacity.EstimateBps);
    }

    [Fact]
    public void A_filled_link_without_a_queue_probes_up_slowly_near_its_last_ceiling_then_faster()
    {
        Link link = Settled(4_000_000, 3_900_000);
        link.Run(0.6, 4_500_000, slopeSeen: 0.11); // measured: about 4 Mbit/s
        link.Run(0.5, 3_760_000, slopeSeen: -0.2);
        double measured = link.Capacity.EstimateBps;
        // Filled and no queue: the estimate grows, and it is sent what it estimates less the headroom.
        double Grow(double seconds)
        {
            double before = link.Capacity.EstimateBps;
            for (int i = 0; i < seconds * 10; i++)
                link.Tick(link.Capacity.EstimateBps * (1 - s_options.Headroom), queueMs: 0);
            return link.Capacity.EstimateBps / before;
        }
        // Near the estimate the queue was last cut from, at the slowest pace; past it, the capacity has grown, and the
        // pace doubles every ProbeDoublingNanos.
        double first = Grow(1);
        Assert.InRange(first, 1.02, 1.06);
        Grow(5);
        double later = Grow(1);
        Assert.True(later > 1.08, $"the probe did not speed up past its ceiling: {first:F3}, then {later:F3} per second");
        Assert.True(link.Capacity.EstimateBps > measured * 1.2);
    }

    [Fact]
    public void A_step_in_the_paths_delay_is_not_taken_for_congestion()
    {
        Link link = Settled(5_000_000, 4_500_000);
        double before = link.Capacity.EstimateBps;
        // A handover: the path's delay steps up 80 ms, seen through librist's smoothing (an EWMA of 1/8 every 10 ms).
        double shown = 0;
        for (int i = 0; i < 10; i++)
        {
            link.Now += Report;
            for (int k = 0; k < 5; k++)
                shown += (80 - shown) / 8;
            link.Rtt.Add(Math.Round(BaseRttMs + shown), link.Now);
            if (i % 2 == 1)
                link.Capacity.Update(4_500_000, 4_500_000, link.Rtt, true, link.Now, 0.1, 1);
        }
        Assert.True(link.Capacity.EstimateBps >= 0.95 * before, $"cut from {before / 1e6:F2} to {link.Capacity.EstimateBps / 1e6:F2} Mbit/s by a step in delay");
        // It stands still a second while the link is sent less: it becomes the new base.
        link.Run(1.5, 3_000_000, queueMs: 80);
        link.Tick(3_000_000, queueMs: 80);
        Assert.True(link.Rtt.QueueDelayMs < 10, $"the step still reads as a {link.Rtt.QueueDelayMs:F0} ms queue");
    }

    [Fact]
    public void A_queue_racing_up_is_cut_to_what_the_answers_say_within_a_few_reports()
    {
        Link link = Settled(8_500_000, 7_500_000);
        // The link's capacity falls from 8 to 2 Mbit/s under a 7.5 Mbit/s share: its queue is seen growing at 0.73 s/s
        // and its keepalives come back at a quarter of the rate they left.
        int ticks = 0;
        while (link.Capacity.EstimateBps > 3_000_000 && ticks < 10)
        {
            link.Tick(7_500_000, slopeSeen: 0.73, answers: 0.27);
            ticks++;
        }
        Assert.True(ticks <= 4, $"still {link.Capacity.EstimateBps / 1e6:F1} Mbit/s after {ticks} ticks");
        Assert.InRange(link.Capacity.EstimateBps, 1_500_000, 2_600_000);
    }
}
