using System.Globalization;
using System.Net;
using Ristbond.LinkEmulator;
using Ristbond.Platform;
using Units = Ristbond.Platform.Units;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// One cellular link of a scenario at its start: up rate, and the same one-way delay both ways. A link that follows
/// a <see cref="Traces.CapacityTrace"/> takes the trace's mean as its rate for the bitrate rules; its rate over time
/// is the trace's (rate changes at every interval, see <see cref="AdaptScenario.FollowTraces"/>).
/// </summary>
public sealed record AdaptLink(string Name, long RateBps, double DelayMs)
{
    public Traces.CapacityTrace? Trace { get; init; }

    public static AdaptLink Following(string name, Traces.CapacityTrace trace, double delayMs) =>
        new(name, (long)trace.MeanBps, delayMs) { Trace = trace };
}

/// <summary>What a scenario measures beyond goodput and unrecovered packets (see <see cref="AdaptEvaluation"/>).</summary>
public enum AdaptKind
{
    StepDown,
    Loss,
    Blackout,
    Aggregation,
    Flapping,
    Healed,
    /// <summary>Links whose rates follow capacity traces: delivered against the traces' integrated capacity.</summary>
    Trace,
}

/// <summary>
/// One benchmark scenario: links, timed link events, duration, ristbond's bitrate settings and the baseline's
/// fixed bitrate. The same scenario drives both sides; <see cref="ToScenarioFile"/> is the LinkEmulator scenario
/// it amounts to (events at seconds after the links start).
/// </summary>
public sealed record AdaptScenario
{
    /// <summary>
    /// TS payload per byte a link carries, as the emulator counts them: a RIST Main-profile datagram of 7×188 =
    /// 1316 TS bytes is 1336 bytes of UDP payload (12 RTP + 8 GRE reduced-overhead header, measured on the wire)
    /// and the emulator charges 28 more for IPv4 + UDP, so 1364. (1316/1372 would count 8 bytes of GRE options
    /// that librist does not send here.) Keepalives and RTCP are not subtracted: they are the sender's own cost.
    /// </summary>
    public const double PayloadFactor = 1316.0 / 1364.0;

    /// <summary>The recovery window given to both receivers (librist's default).</summary>
    public const int ReceiverBufferMs = 1000;

    /// <summary>The baseline and ristbond's start bitrate: this much of what equal weights can carry at the start.</summary>
    public const double BaselineHeadroom = 0.75;

    public required string Name { get; init; }
    public required string Description { get; init; }
    public required AdaptKind Kind { get; init; }
    public required double DurationSeconds { get; init; }
    public required IReadOnlyList<AdaptLink> Links { get; init; }
    public IReadOnlyList<ScenarioEvent> Events { get; init; } = [];

    /// <summary>The link the scenario's own metric is about (the one that steps down, loses, blacks out, flaps, heals).</summary>
    public string? Subject { get; init; }

    /// <summary>Where the scenario's metric counts from: the step, the loss onset, the blackout, the heal, or the start of flapping.</summary>
    public double MetricFromSeconds { get; init; }

    /// <summary>Where a windowed metric ends (flapping); the scenario's end if 0.</summary>
    public double MetricToSeconds { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Not part of <c>--scenario all</c> (short variants for tests).</summary>
    public bool Hidden { get; init; }

    /// <summary>The issue's delivery goal for this scenario (delivered TS ÷ the links' capacity), where it states one.</summary>
    public double? CapacityGoal { get; init; }

    // ---- bitrates --------------------------------------------------------------------------------------

    /// <summary>TS bits/s equal weights can carry at the start: every link gets 1/n, so the slowest link decides.</summary>
    public double EqualWeightCapacityBps => Links.Count * Links.Min(l => l.RateBps) * PayloadFactor;

    /// <summary>
    /// The baseline's fixed bitrate: 75% of <see cref="EqualWeightCapacityBps"/>, rounded down to 0.5 Mbps. An
    /// operator of a fixed-rate encoder over static equal-weight bonding sizes the encoder to what the links carry
    /// when the stream starts, leaving a quarter for retransmissions, RTCP and the variation of cellular links.
    /// ristbond starts at the same bitrate, so any difference comes from adapting.
    /// </summary>
    public long BaselineBitrateBps => RoundDown(BaselineHeadroom * EqualWeightCapacityBps);

    public long StartBitrateBps => BaselineBitrateBps;

    public long MinBitrateBps => 1_000_000;

    /// <summary>ristbond's ceiling: everything all links can carry at the start (their traces' means), rounded down to 0.5 Mbps.</summary>
    public long MaxBitrateBps => RoundDown(Links.Sum(l => l.RateBps) * PayloadFactor);

    public string BaselineRationale => string.Create(CultureInfo.InvariantCulture,
        $"{BaselineHeadroom:P0} of what equal weights carry at the start ({Links.Count} × {Units.FormatBitrate(Links.Min(l => l.RateBps))} slowest link × 1316/1364 = {Units.FormatBitrate(EqualWeightCapacityBps)}), rounded down to 0.5 Mbps");

    static long RoundDown(double bps) => (long)Math.Floor(bps / 500_000) * 500_000;

    // ---- the link timeline -----------------------------------------------------------------------------

    /// <summary>A link's configured up rate at <paramref name="seconds"/> after start, 0 while blacked out.</summary>
    public long RateAt(string link, double seconds)
    {
        long rate = Links.First(l => l.Name == link).RateBps;
        bool dark = false;
        foreach (ScenarioEvent e in Events)
        {
            if (e.Link != link || e.AtSeconds > seconds)
                continue;
            if (e.Up?.RateBps is long r)
                rate = r;
            if (e.BlackoutSeconds is double b && seconds < e.AtSeconds + b)
                dark = true;
        }
        return dark ? 0 : rate;
    }

    /// <summary>Σ link rates × <see cref="PayloadFactor"/> at <paramref name="seconds"/>: the TS bits/s the links can carry.</summary>
    public double PayloadCapacityBps(double seconds) => Links.Sum(l => RateAt(l.Name, seconds)) * PayloadFactor;

    /// <summary>
    /// The receivers' reorder-buffer: at least the spread of one-way delays the scenario ever has (README
    /// "Receiver settings"), plus 100 ms for queueing and jitter, in steps of 10 ms. The queue part is what
    /// ristbond lets a link's queue reach before it sheds load (<c>QueueMaxMs</c>): with 50 ms, a probe that built
    /// 60 ms of queue on the long link made the receiver NACK its packets as lost, and the retransmissions, all on
    /// the smallest (lowest-RTT) link, overloaded that one too.
    /// </summary>
    public int ReorderBufferMs
    {
        get
        {
            double highest = Links.Max(l => l.DelayMs);
            foreach (ScenarioEvent e in Events)
                highest = Math.Max(highest, e.Up?.DelayMs ?? 0);
            double spread = highest - Links.Min(l => l.DelayMs) + 100;
            return (int)Math.Ceiling(spread / 10) * 10;
        }
    }

    /// <summary>
    /// The receivers' rtt-min: twice <see cref="ReorderBufferMs"/>. librist 0.2.11's receiver ignores its
    /// reorder-buffer (it compares the milliseconds configured with clock ticks) and NACKs a missing packet half a
    /// round trip after a later one came, the round trip at least rtt-min: so rtt-min is what sets its reorder window.
    /// Without it a receiver NACKed every packet of a long link behind one of a short link, and the retransmissions,
    /// all on one link, overloaded it (README "Receiver settings").
    /// </summary>
    public int ReceiverRttMinMs => 2 * ReorderBufferMs;

    public double MetricEndSeconds => MetricToSeconds > 0 ? MetricToSeconds : DurationSeconds;

    /// <summary>Where delivery is compared with capacity: the whole run where rates follow traces, else the last 20 s (settled).</summary>
    public (double From, double To) DeliveryWindow => Kind == AdaptKind.Trace ? (0, DurationSeconds) : (Math.Max(0, DurationSeconds - 20), DurationSeconds);

    /// <summary>Every time a link's conditions change (events, blackout ends): the bounds of the steady windows.</summary>
    public IEnumerable<double> ChangeTimes =>
        Events.Select(e => e.AtSeconds).Concat(Events.Where(e => e.BlackoutSeconds is not null).Select(e => e.AtSeconds + e.BlackoutSeconds!.Value)).Distinct().Order();

    /// <summary>
    /// The scenario with a rate change at every interval of each link's trace (from 0 s, to the end of the run),
    /// after its own events; links without a trace are left as they are.
    /// </summary>
    public AdaptScenario FollowTraces()
    {
        var events = new List<ScenarioEvent>(Events);
        foreach (AdaptLink link in Links.Where(l => l.Trace is not null))
        {
            long? last = null;
            for (int i = 0; i * link.Trace!.IntervalSeconds < DurationSeconds && i < link.Trace.RatesBps.Count; i++)
            {
                long rate = link.Trace.RatesBps[i];
                if (rate != last || rate == 0)
                    events.Add(TraceStep(i * link.Trace.IntervalSeconds, link.Name, rate, link.Trace.IntervalSeconds));
                last = rate;
            }
        }
        return this with { Events = [.. events.OrderBy(e => e.AtSeconds)] };
    }

    /// <summary>One interval of a trace: its rate, or for a rate of 0 (an outage) a blackout of the interval: everything dropped, both ways.</summary>
    static ScenarioEvent TraceStep(double at, string link, long rateBps, double interval) => rateBps > 0
        ? new(at, link, new ProfilePatch { RateBps = rateBps }, null, null)
        : new(at, link, null, null, interval);

    /// <summary>The LinkEmulator scenario: every link toward <paramref name="target"/>, listening on a free loopback port.</summary>
    public ScenarioFile ToScenarioFile(IPEndPoint target) => new(
        Seed,
        [.. Links.Select(l => new LinkConfig(l.Name, new IPEndPoint(IPAddress.Loopback, 0), target,
            new DirectionProfile { RateBps = l.RateBps, DelayMs = l.DelayMs },
            new DirectionProfile { DelayMs = l.DelayMs }))],
        [.. Events.OrderBy(e => e.AtSeconds)]);

    /// <summary>A short label for an event, for plots and tables: "b rate 2 Mbps", "a blackout 10 s".</summary>
    public static string Describe(ScenarioEvent e)
    {
        var parts = new List<string>();
        if (e.Up?.RateBps is long rate)
            parts.Add("rate " + Units.FormatBitrate(rate));
        if (e.Up?.Loss is double loss)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"loss {loss:0.#%}"));
        if (e.Up?.DelayMs is double delay)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"delay {delay:0} ms"));
        if (e.BlackoutSeconds is double b)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"blackout {b:0.#} s"));
        return $"{e.Link} {string.Join(", ", parts)}";
    }

    // ---- event builders (for the catalog) --------------------------------------------------------------

    public static ScenarioEvent RateChange(double at, string link, long rateBps) =>
        new(at, link, new ProfilePatch { RateBps = rateBps }, null, null);

    /// <summary>Loss and one-way delay set in both directions (a radio problem hits both).</summary>
    public static ScenarioEvent Impair(double at, string link, double loss, double delayMs) =>
        new(at, link, new ProfilePatch { Loss = loss, DelayMs = delayMs }, new ProfilePatch { Loss = loss, DelayMs = delayMs }, null);

    public static ScenarioEvent LossBothWays(double at, string link, double loss) =>
        new(at, link, new ProfilePatch { Loss = loss }, new ProfilePatch { Loss = loss }, null);

    public static ScenarioEvent Blackout(double at, string link, double seconds) => new(at, link, null, null, seconds);
}
