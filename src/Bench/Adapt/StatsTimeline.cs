using System.Text.Json;

namespace Ristbond.Bench.Adapt;

/// <summary>One link in one ristbond stats line. Fields the running binary does not report are null.</summary>
public sealed record StatsLink
{
    public required string Name { get; init; }
    public string? State { get; init; }
    public double? Weight { get; init; }
    public double? SentBps { get; init; }
    public double? RttMs { get; init; }
    public double? Loss { get; init; }
    public double? CapacityBps { get; init; }
    public double? Health { get; init; }
    public double? QueueDelayMs { get; init; }
}

/// <summary>An entry of a stats line's <c>events</c>, at its own time (converted to scenario seconds).</summary>
public sealed record StatsEvent(string Type, double T, double? RecommendedBitrateBps);

/// <summary>
/// One line of <c>ristbond send --stats-json -</c>, stamped with its arrival at the bench in seconds after the
/// scenario started (<see cref="T"/>) and with ristbond's own <c>t</c> (<see cref="ReportT"/>).
/// </summary>
public sealed record StatsSample
{
    public required double T { get; init; }
    public required double ReportT { get; init; }
    public double? BitrateBps { get; init; }
    public double? RecommendedBitrateBps { get; init; }
    public double? InputBps { get; init; }
    /// <summary>With <c>-i pattern</c>: what the encoder was last set to (<c>encoder.bitrate_bps</c>).</summary>
    public double? EncoderBitrateBps { get; init; }
    /// <summary>With <c>-i pattern</c>: frames the encoder made so far (<c>encoder.frames</c>).</summary>
    public double? EncoderFrames { get; init; }
    /// <summary>With <c>-i pattern</c>: frames dropped for falling behind real time (<c>encoder.skipped_frames</c>).</summary>
    public double? EncoderSkippedFrames { get; init; }
    public required IReadOnlyList<StatsLink> Links { get; init; }
    /// <summary>Events with ristbond's own times (<see cref="StatsTimeline"/> converts them).</summary>
    public IReadOnlyList<StatsEvent> Events { get; init; } = [];

    /// <summary>Parses a stats line leniently: the contract's fields where present, null where not; null for a line that is not a stats object.</summary>
    public static StatsSample? Parse(string line, double arrivalSeconds)
    {
        if (!line.StartsWith('{'))
            return null;
        try
        {
            using var json = JsonDocument.Parse(line);
            JsonElement root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("links", out JsonElement links) || links.ValueKind != JsonValueKind.Array)
                return null;
            var linkList = new List<StatsLink>();
            foreach (JsonElement l in links.EnumerateArray())
            {
                linkList.Add(new StatsLink
                {
                    Name = String(l, "name") ?? $"link{linkList.Count + 1}",
                    State = String(l, "state"),
                    Weight = Number(l, "weight"),
                    SentBps = Number(l, "sent_bps"),
                    RttMs = Number(l, "rtt_ms"),
                    Loss = Number(l, "loss"),
                    CapacityBps = Number(l, "capacity_bps"),
                    Health = Number(l, "health"),
                    QueueDelayMs = Number(l, "queue_delay_ms"),
                });
            }
            var events = new List<StatsEvent>();
            if (root.TryGetProperty("events", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement e in list.EnumerateArray())
                {
                    if (String(e, "type") is string type && Number(e, "t") is double t)
                        events.Add(new StatsEvent(type, t, Number(e, "recommended_bitrate_bps")));
                }
            }
            return new StatsSample
            {
                T = arrivalSeconds,
                ReportT = Number(root, "t") ?? arrivalSeconds,
                BitrateBps = Number(root, "bitrate_bps"),
                RecommendedBitrateBps = Number(root, "recommended_bitrate_bps"),
                InputBps = root.TryGetProperty("totals", out JsonElement totals) ? Number(totals, "input_bps") : null,
                EncoderBitrateBps = root.TryGetProperty("encoder", out JsonElement encoder) ? Number(encoder, "bitrate_bps") : null,
                EncoderFrames = root.TryGetProperty("encoder", out JsonElement frames) ? Number(frames, "frames") : null,
                EncoderSkippedFrames = root.TryGetProperty("encoder", out JsonElement skipped) ? Number(skipped, "skipped_frames") : null,
                Links = linkList,
                Events = events,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static double? Number(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>
/// ristbond's stats lines of one run as series over scenario time. ristbond's own clock starts when it does; the
/// offset to scenario time is the smallest (arrival − t) over the lines, which takes the pipe's delay out.
/// </summary>
public sealed class StatsTimeline
{
    public StatsTimeline(IReadOnlyList<StatsSample> samples)
    {
        Samples = samples;
        Offset = samples.Count == 0 ? 0 : samples.Min(s => s.T - s.ReportT);
        LinkNames = [.. samples.SelectMany(s => s.Links.Select(l => l.Name)).Distinct()];
        Events = [.. samples.SelectMany(s => s.Events).Select(e => e with { T = e.T + Offset }).OrderBy(e => e.T)];
    }

    public IReadOnlyList<StatsSample> Samples { get; }
    public double Offset { get; }
    public IReadOnlyList<string> LinkNames { get; }
    /// <summary>The lines' events in scenario seconds.</summary>
    public IReadOnlyList<StatsEvent> Events { get; }

    public bool Reports(Func<StatsSample, double?> field) => Samples.Any(s => field(s) is not null);

    public List<TimePoint> Series(Func<StatsSample, double?> field) =>
        [.. Samples.Where(s => field(s) is not null).Select(s => new TimePoint(s.T, field(s)!.Value))];

    public List<TimePoint> LinkSeries(string link, Func<StatsLink, double?> field) =>
        [.. Samples.Select(s => (s.T, Value: s.Links.FirstOrDefault(l => l.Name == link) is { } l ? field(l) : null))
            .Where(p => p.Value is not null).Select(p => new TimePoint(p.T, p.Value!.Value))];

    /// <summary>A link's share of Σ field over the links, per line (lines where the sum is 0 or a value is missing are left out).</summary>
    public List<TimePoint> LinkShare(string link, Func<StatsLink, double?> field)
    {
        var times = new List<double>();
        var values = LinkNames.Select(_ => new List<double>()).ToList();
        foreach (StatsSample s in Samples)
        {
            var row = LinkNames.Select(n => s.Links.FirstOrDefault(l => l.Name == n) is { } l ? field(l) : 0).ToList();
            if (row.Any(v => v is null))
                continue;
            times.Add(s.T);
            for (int i = 0; i < row.Count; i++)
                values[i].Add(row[i]!.Value);
        }
        int index = LinkNames.ToList().IndexOf(link);
        return index < 0 ? [] : AdaptMetrics.ShareOfSum(times, values, index);
    }

    /// <summary>The recommended bitrate from the lines and, between them, from the events that announce its changes.</summary>
    public List<TimePoint> Recommended() =>
        [.. Series(s => s.RecommendedBitrateBps)
            .Concat(Events.Where(e => e.RecommendedBitrateBps is not null).Select(e => new TimePoint(e.T, e.RecommendedBitrateBps!.Value)))
            .OrderBy(p => p.T)];

    /// <summary>Out of rotation per line: state dead, or weight ≤ <paramref name="maxShare"/> of all weights (1 where so, 0 where not).</summary>
    public List<TimePoint> OutOfRotation(string link, double maxShare)
    {
        var result = new List<TimePoint>();
        foreach (StatsSample s in Samples)
        {
            if (s.Links.FirstOrDefault(l => l.Name == link) is not { } l)
                continue;
            double total = s.Links.Sum(x => x.Weight ?? 0);
            bool dead = l.State == "dead";
            bool light = l.Weight is double w && total > 0 && w / total <= maxShare;
            result.Add(new TimePoint(s.T, dead || light ? 1 : 0));
        }
        return result;
    }
}
