using Ristbond.Appliance.Status;

namespace Ristbond.Appliance.Tests;

public sealed class StatsTableTests
{
    /// <summary>What a field engineer reads off the terminal: the encoder's bitrate and what each link can carry.</summary>
    [Fact]
    public void The_table_shows_the_bitrates_and_each_links_capacity_and_health()
    {
        var report = new StatsReport
        {
            T = 12,
            BitrateBps = 6_000_000,
            RecommendedBitrateBps = 5_500_000,
            MinBitrateBps = 500_000,
            MaxBitrateBps = 20_000_000,
            Streaming = true,
            Links =
            [
                new LinkReport
                {
                    Name = "lte1", Url = "rist://h:1", State = "degraded", RttMs = 48.2, QueueDelayMs = 60, Loss = 0.031,
                    CapacityBps = 3_200_000, Health = 0.42, SentBps = 1_500_000, RetransmitBps = 20_000, Weight = 17,
                },
            ],
            Totals = new TotalsReport { InputBps = 6_000_000, SentBps = 1_500_000, RetransmitBps = 20_000, Links = 1, LinksLive = 1, InputPackets = 4, SyncErrors = 0, Datagrams = 6, WriteErrors = 0 },
            Pacer = new PacerReport { LatencyBudgetMs = 200, PeakFactor = 1.25, RateBps = 5_000_000, QueuedMs = 1.5, LongestWaitMs = 12, LateDatagrams = 0, Burstiness = 1.1 },
        };
        var output = new StringWriter();
        new StatsTable(output).Render(report);
        string[] lines = output.ToString().Split('\n');

        Assert.Contains(lines, l => l.Contains("bitrate 6 Mbps", StringComparison.Ordinal) && l.Contains("recommended 5.5 Mbps", StringComparison.Ordinal));
        string row = Assert.Single(lines, l => l.StartsWith("lte1", StringComparison.Ordinal));
        Assert.Equal(["lte1", "degraded", "48.2", "3.10", "3.2", "Mbps", "0.42", "1.5", "Mbps", "20", "kbps", "17", "####################"],
            row.Split(" ", StringSplitOptions.RemoveEmptyEntries)[..13]); // the only link carries everything: a full bar
    }
}
