using Ristbond.Bonding;

namespace Ristbond.Bonding.Tests;

/// <summary>
/// One link driven tick by tick: a queue that builds while the link is sent more than it has verified is our
/// probe's overload (its estimate corrects it), not a sign the link got worse; the same queue at a rate the link
/// has carried is. (SimulatedNetwork reports queues without a round trip's lag, so its probes never show one.)
/// </summary>
public sealed class LinkHealthOfOwnProbeTests
{
    const long Tick = 100_000_000;
    static readonly BondingOptions s_options = new();

    sealed class DrivenLink
    {
        public readonly LinkTracker Tracker = new("a", s_options, 4_000_000);
        long _now = 1_000_000_000;
        long _answers;

        public DrivenLink() => Tracker.Share = 1;

        /// <summary>One tick at <paramref name="inputBps"/> with the link's RTT at <paramref name="rttMs"/>.</summary>
        public void Step(double inputBps, double rttMs)
        {
            _now += Tick;
            _answers += 10; // 100 keepalives a second, all answered
            var observation = new LinkObservation
            {
                LastRtcpNanos = _now, ReportNanos = _now, ReceivedPackets = _answers, RttMs = rttMs,
                KeepalivesPerSecond = 100, SignalFactor = 1, Preference = 1,
            };
            Tracker.Observe(observation, _now, 0.1, inputBps);
            Tracker.UpdateLoss(1, 0, s_options.LossDeadband);
            Tracker.UpdateCapacityAndHealth(_now, 0.1, 1);
            Tracker.UpdateRelativeHealth(_now, Tracker.DelayFactor);
            Tracker.UpdateState(_now);
        }

        /// <summary>Live and verified at 4 Mbps with an empty queue.</summary>
        public DrivenLink Settled()
        {
            for (int i = 0; i < 50; i++)
                Step(4_000_000, 50);
            Assert.Equal(LinkState.Live, Tracker.State);
            Assert.InRange(Tracker.Capacity.VerifiedBps, 3_500_000, 4_100_000);
            return this;
        }

        /// <summary>
        /// The queue grows by 10 ms a tick to 90 ms and stays there half a second while the link is sent
        /// <paramref name="inputBps"/> (the controller would have moved share away by then); the lowest health seen.
        /// </summary>
        public double LowestHealthWhileQueueing(double inputBps)
        {
            double lowest = 1;
            for (int tick = 1; tick <= 14; tick++)
            {
                Step(inputBps, 50 + Math.Min(90, 10 * tick));
                lowest = Math.Min(lowest, Tracker.Health);
            }
            return lowest;
        }
    }

    [Fact]
    public void A_queue_built_by_sending_past_what_the_link_verified_leaves_its_health_alone()
    {
        var link = new DrivenLink().Settled();
        double lowest = link.LowestHealthWhileQueueing(5_000_000);
        Assert.True(lowest == 1, $"health fell to {lowest:F2} under our own probe's queue");
        Assert.True(link.Tracker.Capacity.EstimateBps < 5_000_000, "the estimate was not cut for the queue");
    }

    [Fact]
    public void Loss_that_comes_of_our_probe_s_queue_leaves_its_health_alone()
    {
        var link = new DrivenLink().Settled();
        link.LowestHealthWhileQueueing(5_000_000);
        // The packets the queue made late or dropped are retransmitted a reorder buffer and a round trip later.
        link.Tracker.AttributedLoss = 0.05;
        link.Step(4_000_000, 140);
        link.Step(4_000_000, 60);
        Assert.True(link.Tracker.Health == 1, $"health fell to {link.Tracker.Health:F2} for the loss our own probe caused");
    }

    [Fact]
    public void Loss_that_begins_once_our_probe_s_queue_has_drained_counts_at_once()
    {
        var link = new DrivenLink().Settled();
        for (int tick = 1; tick <= 5; tick++)
            link.Step(5_000_000, 50 + 10 * tick); // our probe: a queue builds to 50 ms …
        for (int i = 0; i < 6; i++)
            link.Step(4_000_000, 50); // … and is gone at once; the overload is still recent
        link.Tracker.AttributedLoss = 0.05;
        link.Step(4_000_000, 50);
        Assert.True(link.Tracker.Health < 0.5, $"health {link.Tracker.Health:F2}: 5% loss on a link with no queue was taken for our probe's");
    }

    [Fact]
    public void The_same_queue_at_a_rate_the_link_has_carried_lowers_its_health()
    {
        var link = new DrivenLink().Settled();
        for (int i = 0; i < 12; i++)
            link.Step(3_500_000, 50); // a rate well inside what it verified, for a while
        double lowest = link.LowestHealthWhileQueueing(3_500_000);
        Assert.True(lowest < 0.8, $"health only fell to {lowest:F2} though the link queued at a rate it had carried");
    }
}
