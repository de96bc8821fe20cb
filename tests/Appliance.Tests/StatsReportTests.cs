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
            Links = [new LinkReport { Name = "lte1", Url = "rist://h:1", State = "live", RttMs = 30.5, Loss = 0.01, SentBps = 1000, RetransmitBps = 10, Weight = 1000 }],
            Totals = new TotalsReport { InputBps = 1, SentBps = 2, RetransmitBps = 3, Links = 1, LinksLive = 1, InputPackets = 4, SyncErrors = 5, Datagrams = 6, WriteErrors = 7 },
        };
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(report, StatsJsonContext.Default.StatsReport));
        Assert.Equal(["t", "links", "totals"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "url", "state", "rtt_ms", "loss", "sent_bps", "retransmit_bps", "weight"],
            json.RootElement.GetProperty("links")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["input_bps", "sent_bps", "retransmit_bps", "links", "links_live", "input_packets", "sync_errors", "datagrams", "write_errors"],
            json.RootElement.GetProperty("totals").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Links_are_named_by_url_or_first_free_number()
    {
        Assert.Equal("lte1", LinkNames.For(RistUrl.Parse("rist://h:1?name=lte1"), ["link1"]));
        Assert.Equal("link1", LinkNames.For(RistUrl.Parse("rist://h:1"), []));
        Assert.Equal("link3", LinkNames.For(RistUrl.Parse("rist://h:1"), ["link1", "link2", "lte1"]));
    }
}
