using Ristbond.Bonding;

namespace Ristbond.Bonding.Tests;

/// <summary>Stage 1 alone: the share of keepalives answered, and the readings it refuses to take.</summary>
public sealed class AnswerMeterTests
{
    const long Report = 50_000_000;
    const double KeepalivesPerSecond = 100;

    /// <summary>Reports every 50 ms for <paramref name="seconds"/>, each with <paramref name="answered"/> of 5 keepalives answered.</summary>
    static (long Now, long Received) Feed(AnswerMeter meter, long now, long received, double seconds, double answered, double rttMs = 40,
        double rttSlope = 0, int retransmittedPerReport = 0)
    {
        for (int i = 0; i < seconds * 20; i++)
        {
            now += Report;
            received += (long)Math.Round(5 * answered);
            rttMs += rttSlope * Report / 1e6;
            s_retransmitted += retransmittedPerReport;
            meter.Add(now, now, received, rttMs, KeepalivesPerSecond, Report / 1e9, s_retransmitted);
        }
        return (now, received);
    }

    [ThreadStatic]
    static long s_retransmitted;

    [Fact]
    public void Answers_per_keepalive_read_the_links_round_trip_loss()
    {
        var meter = new AnswerMeter();
        Feed(meter, 0, 0, 1, answered: 0.8);
        Assert.InRange(meter.Ratio, 0.75, 0.85);
        Assert.InRange(meter.Deficit(1.0), 0.15, 0.25);
    }

    [Fact]
    public void A_queue_building_fast_is_not_read_as_loss()
    {
        var meter = new AnswerMeter();
        var (now, received) = Feed(meter, 0, 0, 1, answered: 1);
        // The RTT rises 0.3 s a second: answers are held up in the queue, not lost. The last steady reading stands.
        Feed(meter, now, received, 0.5, answered: 0.7, rttSlope: 0.3);
        Assert.InRange(meter.Ratio, 0.97, 1.0);
        Assert.InRange(meter.RecentRatio, 0.6, 0.8); // what the racing-queue estimate reads instead
    }

    [Fact]
    public void The_NACK_link_keeps_its_last_clean_reading_while_it_retransmits_a_burst()
    {
        var meter = new AnswerMeter();
        var (now, received) = Feed(meter, 0, 0, 1, answered: 0.8);
        // Another link's burst: 40 retransmissions a report, NACKs among the answers beyond telling them apart.
        Feed(meter, now, received, 1, answered: 1.4, retransmittedPerReport: 40);
        Assert.InRange(meter.Ratio, 0.75, 0.85);
    }

    [Fact]
    public void A_link_that_loses_while_it_is_the_NACK_link_still_shows_its_loss()
    {
        var meter = new AnswerMeter();
        var (now, received) = Feed(meter, 0, 0, 1, answered: 1);
        // 10% of its keepalives lost, and a retransmission a report (its own losses, NACKed to it): one NACK packet
        // per two among its answers.
        Feed(meter, now, received, 1, answered: 0.9 + 0.1, retransmittedPerReport: 1);
        Assert.InRange(meter.Deficit(1.0), 0.05, 0.15);
    }
}
