using Ristbond.Bench.Adapt;
using Ristbond.Bench.Adapt.Links.Kernel;
using Ristbond.LinkEmulator;

namespace Ristbond.Bench.Tests;

/// <summary>The exact tc and nft commands of the kernel links, their counters, names and event timeline (no kernel needed).</summary>
public sealed class KernelShaperTests
{
    [Fact]
    public void Tbf_counts_ip_bytes_with_a_5_ms_bucket_and_a_250_ms_queue()
    {
        Assert.Equal("qdisc change dev rb1r0 root stab overhead -14 linklayer ethernet tbf rate 4000000bit burst 3028 latency 250ms",
            ShaperCommands.Tbf("change", "rb1r0", 4_000_000));
        Assert.Equal(10_000, ShaperCommands.BucketBytes(16_000_000));
        // tbf refuses 0: a trace's outage is a blackout, the rate stays positive.
        Assert.Contains("rate 8000bit", ShaperCommands.Tbf("add", "x", 0), StringComparison.Ordinal);
    }

    [Fact]
    public void Loss_and_blackouts_are_one_nft_transaction_rewriting_both_chains()
    {
        KernelLinkState[] links =
        [
            new("a", "r0", "r0p", 4_000_000, 0.05, 0.05, false),
            new("b", "r1", "r1p", 4_000_000, 0, 0, true),
            new("c", "r2", "r2p", 4_000_000, 0, 0, false),
        ];
        string rules = ShaperCommands.Rules("t", links);
        Assert.Equal(
            "flush chain inet t up; flush chain inet t down; " +
            "add rule inet t up iifname \"r0p\" numgen random mod 1000000 < 50000 counter drop; " +
            "add rule inet t down oifname \"r0p\" numgen random mod 1000000 < 50000 counter drop; " +
            "add rule inet t up iifname \"r1p\" counter drop; add rule inet t down oifname \"r1p\" counter drop\n", rules);
        Assert.Single(rules.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Qdisc_statistics_become_the_emulators_counters()
    {
        const string json = """[{"kind":"pfifo_fast","handle":"0:","dev":"eth0","root":true,"bytes":9,"packets":1},{"kind":"tbf","handle":"8001:","dev":"rb1r0","root":true,"refcnt":3,"options":{"rate":500000,"burst":3028,"lat":250000},"bytes":136504,"packets":101,"drops":10,"overlimits":0,"requeues":0,"backlog":2728,"qlen":2}]""";
        Dictionary<string, QdiscSample> q = QdiscCounters.Parse(json);
        QdiscSample tbf = q["rb1r0"];
        Assert.Equal(4_000_000, tbf.RateBps);
        LinkCounters c = QdiscCounters.ToLinkCounters(tbf);
        // 100 data datagrams of 1364 IP bytes and one keepalive of 104 sent; 2 data datagrams queued; 10 dropped.
        Assert.Equal(101 + 10 + 2, c.PacketsIn);
        Assert.Equal(100 * 1336 + 76, c.BytesForwarded);
        // The 10 drops are taken at the mean size of what was sent.
        Assert.Equal(100 * 1336 + 76 + 2 * 1336 + (long)Math.Round(10 * (100 * 1336 + 76) / 101.0), c.BytesIn);
        Assert.Equal(10, c.PacketsDroppedQueue);
        Assert.Equal(2728 * 8000.0 / 4_000_000, c.QueueDelayMs, 6);
        // 112 data packets offered (100 sent, 2 queued, the drops nearly all data), the keepalive told apart.
        Assert.Equal(112, WireTimeline.EstimateDataPackets(c.BytesIn, c.PacketsIn));
    }

    [Fact]
    public void Names_fit_the_kernel_and_each_link_has_a_subnet_of_its_own()
    {
        var ristbond = new KernelNames(4_194_303, 0);
        var baseline = new KernelNames(4_194_303, 1);
        Assert.Equal("rbbench-4194303-r", ristbond.Namespace);
        Assert.True(ristbond.PeerDevice(KernelNames.OutputSlot).Length <= 15, ristbond.PeerDevice(KernelNames.OutputSlot));
        var addresses = Enumerable.Range(0, KernelNames.SlotsPerSide).SelectMany(i => new[] { ristbond.PeerAddress(i), baseline.PeerAddress(i) }).ToList();
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
        Assert.Equal("10.207.255.2", ristbond.PeerAddress(0).ToString());
        Assert.Equal("10.207.255.62", baseline.PeerAddress(7).ToString());
        Assert.Equal(4_194_303, KernelNames.PidOf(baseline.Namespace));
        Assert.Null(KernelNames.PidOf("rbq"));
    }

    [Fact]
    public void A_blackout_is_two_kernel_events_and_delays_are_left_out()
    {
        AdaptScenario s = AdaptCatalog.Flapping with { Events = [AdaptScenario.Blackout(4, "a", 3), AdaptScenario.Impair(5, "b", 0.04, 150), AdaptScenario.RateChange(5, "c", 1_000_000)] };
        List<KernelEvent> events = KernelEvent.Timeline(s);
        Assert.Equal([(4.0, "a"), (5.0, "b"), (5.0, "c"), (7.0, "a")], events.Select(e => (e.AtSeconds, e.Link)));
        Assert.Equal((true, false), (events[0].Dark, events[3].Dark));
        KernelLinkState b = events[1].ApplyTo(new KernelLinkState("b", "r1", "r1p", 6_000_000, 0, 0, false));
        Assert.Equal((6_000_000L, 0.04, 0.04), (b.RateBps, b.UpLoss, b.DownLoss));
    }
}
