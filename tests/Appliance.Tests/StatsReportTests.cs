using System.Text.Json;
using Ristbond.Appliance.Send;
using Ristbond.Appliance.Status;
using Ristbond.Rist;

namespace Ristbond.Appliance.Tests;

public sealed class StatsReportTests
{
    /// <summary>The stats stream's field names are a documented interface (README): this pins them.</summary>
    [Fact]
    public void Field_names_are_the_documented_ones()
    {
        var report = new StatsReport
        {
            T = 1.5,
            BitrateBps = 4_000_000,
            RecommendedBitrateBps = 4_200_000,
            MinBitrateBps = 500_000,
            MaxBitrateBps = 20_000_000,
            Streaming = true,
            Links =
            [
                new LinkReport
                {
                    Name = "lte1", Url = "rist://h:1", State = "live", RttMs = 30.5, QueueDelayMs = 2, Loss = 0.01,
                    CapacityBps = 5_000_000, Health = 0.9, SentBps = 1000, RetransmitBps = 10, Weight = 100,
                },
            ],
            Totals = new TotalsReport { InputBps = 1, SentBps = 2, RetransmitBps = 3, Links = 1, LinksLive = 1, InputPackets = 4, SyncErrors = 5, Datagrams = 6, WriteErrors = 7 },
            Pacer = new PacerReport { LatencyBudgetMs = 200, PeakFactor = 1.25, RateBps = 5_000_000, QueuedMs = 1.5, LongestWaitMs = 12, LateDatagrams = 0, Burstiness = 1.1 },
        };
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(report, StatsJsonContext.Default.StatsReport));
        Assert.Equal(["t", "bitrate_bps", "recommended_bitrate_bps", "min_bitrate_bps", "max_bitrate_bps", "streaming", "links", "totals", "pacer"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "url", "state", "rtt_ms", "queue_delay_ms", "loss", "capacity_bps", "health", "sent_bps", "retransmit_bps", "weight"],
            json.RootElement.GetProperty("links")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["input_bps", "sent_bps", "retransmit_bps", "links", "links_live", "input_packets", "sync_errors", "datagrams", "write_errors"],
            json.RootElement.GetProperty("totals").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["latency_budget_ms", "peak_factor", "rate_bps", "queued_ms", "longest_wait_ms", "late_datagrams", "burstiness"],
            json.RootElement.GetProperty("pacer").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Events_appear_only_when_something_happened()
    {
        var quiet = new StatsReport
        {
            T = 1, BitrateBps = 1, RecommendedBitrateBps = 1, MinBitrateBps = 1, MaxBitrateBps = 1, Streaming = true, Links = [],
            Totals = new TotalsReport { InputBps = 0, SentBps = 0, RetransmitBps = 0, Links = 0, LinksLive = 0, InputPackets = 0, SyncErrors = 0, Datagrams = 0, WriteErrors = 0 },
            Pacer = new PacerReport { LatencyBudgetMs = 200, PeakFactor = 1.25, RateBps = 5_000_000, QueuedMs = 1.5, LongestWaitMs = 12, LateDatagrams = 0, Burstiness = 1.1 },
        };
        Assert.DoesNotContain("events", JsonSerializer.Serialize(quiet, StatsJsonContext.Default.StatsReport), StringComparison.Ordinal);
        var busy = quiet with { Events = [new EventReport { Type = "congestion-control", T = 1, RecommendedBitrateBps = 2_000_000, UsableCapacityBps = 2_100_000 }] };
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(busy, StatsJsonContext.Default.StatsReport));
        JsonElement e = json.RootElement.GetProperty("events")[0];
        Assert.Equal("congestion-control", e.GetProperty("type").GetString());
        Assert.Equal(2_000_000, e.GetProperty("recommended_bitrate_bps").GetInt64());
    }

    [Fact]
    public void Links_are_named_by_url_or_first_free_number()
    {
        Assert.Equal("lte1", LinkNames.For(RistUrl.Parse("rist://h:1?name=lte1"), ["link1"]));
        Assert.Equal("link1", LinkNames.For(RistUrl.Parse("rist://h:1"), []));
        Assert.Equal("link3", LinkNames.For(RistUrl.Parse("rist://h:1"), ["link1", "link2", "lte1"]));
    }
}
