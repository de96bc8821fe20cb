using System.Globalization;
using Ristbond.Bench.Adapt;
using Ristbond.LinkEmulator;

namespace Ristbond.Bench.Tests;

/// <summary>
/// Recorded timelines of a made-up run of blackout-short (link a dark from 4 s to 7 s of 8 s): ristbond stops
/// sending on a 0.3 s after the blackout and loses nothing; the baseline keeps a third on it and loses 60.
/// </summary>
static class SyntheticRun
{
    public static AdaptScenario Scenario => AdaptCatalog.BlackoutShort;

    public static SideRecord Ristbond() => new()
    {
        Kind = SideKind.Ristbond,
        Sender = "ristbond",
        Stats = new StatsTimeline([.. Enumerable.Range(1, 9).Select(i => StatsSample.Parse(StatsLine(i), i + 0.3)!)]),
        Wire = Wire(outAfter: 4.3),
        Capture = new CaptureFindings(70_000, 60_000, 0, 0, 0, 0, 0, 1050, 1200),
        DeliveredBytes = 10_000_000,
        ReceiverLost = 0,
        ReceiverRecovered = 12,
    };

    public static SideRecord Baseline() => new()
    {
        Kind = SideKind.Baseline,
        Sender = "ristsender",
        Wire = Wire(outAfter: double.PositiveInfinity),
        Capture = new CaptureFindings(70_000, 60_000, 50, 0, 0, 0, 0, 1050, 1200),
        DeliveredBytes = 9_000_000,
        ReceiverLost = 10,
        ReceiverRecovered = 500,
    };

    static WireTimeline Wire(double outAfter)
    {
        var wire = new WireTimeline(["a", "b", "c"]);
        long a = 0, b = 0, c = 0, delivered = 0;
        for (int i = 0; i <= 110; i++)
        {
            double t = i * 0.1;
            wire.Add(t, delivered, [Counters(a), Counters(b), Counters(c)]);
            a += t >= outAfter && t < 7 ? 1 : 1316;
            b += 1316;
            c += 1316;
            delivered += t is >= 1 and < 9.2 ? 15_000 : 0;
        }
        return wire;
    }

    static LinkCounters Counters(long bytes) => new(bytes / 1316, bytes, bytes, bytes, 0, 0, 0, 0, 0);

    static string StatsLine(int t)
    {
        bool dark = t is >= 5 and < 8;
        string Link(string name, int rtt, bool dead) => string.Create(CultureInfo.InvariantCulture,
            $$"""{"name":"{{name}}","state":"{{(dead ? "dead" : "live")}}","rtt_ms":{{rtt}},"sent_bps":{{(dead ? 0 : 4000000)}},"weight":{{(dead ? 1 : 33)}},"capacity_bps":5000000,"health":1,"queue_delay_ms":0}""");
        string links = string.Join(',', Link("a", 60, dark), Link("b", 100, false), Link("c", 140, false));
        string recommended = dark ? "10000000" : "12000000";
        return "{\"t\":" + t.ToString(CultureInfo.InvariantCulture) + ",\"bitrate_bps\":12000000,\"recommended_bitrate_bps\":" + recommended
            + ",\"links\":[" + links + "],\"totals\":{\"input_bps\":12000000}}";
    }
}
