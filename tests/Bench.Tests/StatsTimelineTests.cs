using Ristbond.Bench.Adapt;

namespace Ristbond.Bench.Tests;

/// <summary>ristbond's stats lines, with and without the adaptive controller's fields.</summary>
public sealed class StatsTimelineTests
{
    const string AdaptiveLine =
        """{"t":5,"bitrate_bps":4590366,"recommended_bitrate_bps":4636250,"links":[{"name":"a","url":"rist://127.0.0.1:1?name=a","state":"live","rtt_ms":62,"queue_delay_ms":1.5,"loss":0,"capacity_bps":2540824,"health":1,"sent_bps":1920765,"retransmit_bps":0,"weight":47},{"name":"b","url":"rist://127.0.0.1:2?name=b","state":"dead","rtt_ms":101,"queue_delay_ms":0,"loss":0.01,"capacity_bps":2845968,"health":0.5,"sent_bps":0,"retransmit_bps":0,"weight":1}],"totals":{"input_bps":4369128,"sent_bps":4418869,"retransmit_bps":0,"links":2,"links_live":1,"input_packets":12705,"sync_errors":0,"datagrams":1815,"write_errors":0},"events":[{"type":"congestion-control","t":4.2,"recommended_bitrate_bps":4281511,"usable_capacity_bps":4875153}]}""";

    const string StaticLine =
        """{"t":6.001,"links":[{"name":"a","url":"rist://127.0.0.1:1?name=a","state":"live","rtt_ms":60,"loss":0,"sent_bps":3000000,"retransmit_bps":0,"weight":1000},{"name":"b","url":"rist://127.0.0.1:2?name=b","state":"live","rtt_ms":100,"loss":0,"sent_bps":1000000,"retransmit_bps":0,"weight":1000}],"totals":{"input_bps":4000000,"sent_bps":4000000,"retransmit_bps":0,"links":2,"links_live":2,"input_packets":1,"sync_errors":0,"datagrams":1,"write_errors":0}}""";

    [Fact]
    public void An_adaptive_line_gives_every_field()
    {
        StatsSample s = StatsSample.Parse(AdaptiveLine, 5.3)!;
        Assert.Equal(5.3, s.T);
        Assert.Equal(5, s.ReportT);
        Assert.Equal(4590366, s.BitrateBps);
        Assert.Equal(4636250, s.RecommendedBitrateBps);
        Assert.Equal(4369128, s.InputBps);
        Assert.Equal(["a", "b"], s.Links.Select(l => l.Name));
        StatsLink b = s.Links[1];
        Assert.Equal(("dead", 1.0, 0.0, 101.0, 2845968.0, 0.5, 0.0), (b.State, b.Weight, b.SentBps, b.RttMs, b.CapacityBps, b.Health, b.QueueDelayMs));
        Assert.Equal([new StatsEvent("congestion-control", 4.2, 4281511)], s.Events);
    }

    [Fact]
    public void A_line_without_the_controller_fields_gives_nulls()
    {
        StatsSample s = StatsSample.Parse(StaticLine, 6.2)!;
        Assert.Null(s.BitrateBps);
        Assert.Null(s.RecommendedBitrateBps);
        Assert.Empty(s.Events);
        Assert.All(s.Links, l => Assert.Null(l.CapacityBps));
        Assert.All(s.Links, l => Assert.Null(l.Health));
        Assert.Equal(1000, s.Links[0].Weight);
    }

    [Fact]
    public void Lines_that_are_not_stats_are_skipped()
    {
        Assert.Null(StatsSample.Parse("12:00:00.000 INFO  link a: live", 1));
        Assert.Null(StatsSample.Parse("{not json", 1));
        Assert.Null(StatsSample.Parse("""{"t":1}""", 1));
    }

    [Fact]
    public void The_timeline_puts_events_on_scenario_time_by_the_smallest_arrival_delay()
    {
        // ristbond started 0.25 s after the links; one line came 40 ms late.
        var timeline = new StatsTimeline([StatsSample.Parse(AdaptiveLine, 5.25)!, StatsSample.Parse(StaticLine, 6.291)!]);
        Assert.Equal(0.25, timeline.Offset, 6);
        Assert.Equal(4.45, timeline.Events.Single().T, 6);
        List<TimePoint> recommended = timeline.Recommended();
        Assert.Equal([new TimePoint(4.45, 4281511), new TimePoint(5.25, 4636250)], recommended.Select(p => p with { T = Math.Round(p.T, 6) }));
    }

    [Fact]
    public void Shares_and_out_of_rotation_come_from_the_links()
    {
        var timeline = new StatsTimeline([StatsSample.Parse(AdaptiveLine, 5)!, StatsSample.Parse(StaticLine, 6)!]);
        Assert.Equal([new TimePoint(5, 1), new TimePoint(6, 0.75)], timeline.LinkShare("a", l => l.SentBps));
        Assert.Equal([new TimePoint(5, 1), new TimePoint(6, 0)], timeline.OutOfRotation("b", 0.01));
        Assert.Equal([new TimePoint(5, 1 / 48.0), new TimePoint(6, 0.5)], timeline.LinkShare("b", l => l.Weight));
    }
}
