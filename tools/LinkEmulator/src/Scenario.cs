using System.Globalization;
using System.Net;
using System.Text.Json;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator;

/// <summary>
/// Reads scenario files. Every error is a <see cref="RistbondException"/> with one line that names the file, the
/// JSON path and the bad value, e.g.
/// <c>three-links.json: $.links[1].up.rate: "8X" is not a rate; expected bits/s as a number or …</c>.
/// </summary>
/// <example>
/// { "seed": 42,
///   "links": [ { "name": "lte1", "listen": "127.0.0.1:7001", "target": "127.0.0.1:6000",
///                "up": { "rate": "4M", "delay_ms": 30, "jitter_ms": 5, "loss": "1%" }, "down": { "delay_ms": 30 } } ],
///   "events": [ { "at": 10, "link": "lte1", "up": { "rate": "1M" } }, { "at": 20, "link": "lte1", "blackout": 3 } ] }
/// </example>
public static class Scenario
{
    public static ScenarioFile Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"Could not read scenario {path}: {e.Message}", ExitCodes.BadInput, e);
        }
        return Parse(json, path);
    }

    /// <param name="source">How errors name the file.</param>
    public static ScenarioFile Parse(string json, string source)
    {
        ScenarioJson? file;
        try
        {
            file = JsonSerializer.Deserialize(json, ScenarioJsonContext.Default.ScenarioJson);
        }
        catch (JsonException e)
        {
            throw ScenarioJsonErrors.Describe(e, json, source);
        }
        if (file is null)
            throw Bad(source, "$", "the file holds null; expected an object with \"links\"");

        if (file.Links is not { Count: > 0 })
            throw Bad(source, "$.links", "missing or empty; a scenario needs at least one link");
        var links = new List<LinkConfig>();
        for (int i = 0; i < file.Links.Count; i++)
        {
            LinkConfig link = ReadLink(file.Links[i], source, $"$.links[{i}]");
            if (links.Any(l => l.Name == link.Name))
                throw Bad(source, $"$.links[{i}].name", $"\"{link.Name}\" is used by two links");
            if (link.Listen.Port != 0 && links.Any(l => l.Listen.Equals(link.Listen)))
                throw Bad(source, $"$.links[{i}].listen", $"\"{link.Listen}\" is used by two links");
            links.Add(link);
        }

        var events = new List<ScenarioEvent>();
        for (int i = 0; i < (file.Events?.Count ?? 0); i++)
            events.Add(ReadEvent(file.Events![i], links, source, $"$.events[{i}]"));
        // Stable sort: equal times keep file order.
        events = [.. events.OrderBy(e => e.AtSeconds)];

        return new ScenarioFile(file.Seed ?? ScenarioFile.DefaultSeed, links, events);
    }

    /// <summary>Link names end up in thread names, logs and JSON: keep them to a plain set of characters.</summary>
    public static bool IsValidLinkName(string name) =>
        name.Length is > 0 and <= 32 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    // ---- links -----------------------------------------------------------------------------------------

    static LinkConfig ReadLink(LinkJson? link, string source, string path)
    {
        if (link is null)
            throw Bad(source, path, "null; expected a link object");
        string name = Required(link.Name, source, path + ".name");
        if (!IsValidLinkName(name))
            throw Bad(source, path + ".name", $"\"{name}\" is not a link name; use 1-32 letters, digits, '-', '_' or '.'");
        IPEndPoint listen = Units.ParseEndPoint(Required(link.Listen, source, path + ".listen"), $"{source}: {path}.listen");
        IPEndPoint target = Units.ParseEndPoint(Required(link.Target, source, path + ".target"), $"{source}: {path}.target");
        if (target.Port == 0)
            throw Bad(source, path + ".target", $"\"{link.Target}\" has port 0; the target needs a real port");
        DirectionProfile up = ReadProfile(link.Up, source, path + ".up").ApplyTo(DirectionProfile.Unimpaired);
        DirectionProfile down = ReadProfile(link.Down, source, path + ".down").ApplyTo(DirectionProfile.Unimpaired);
        up.Validate($"{source}: {path}.up");
        down.Validate($"{source}: {path}.down");
        return new LinkConfig(name, listen, target, up, down);
    }

    // ---- events ----------------------------------------------------------------------------------------

    static ScenarioEvent ReadEvent(EventJson? ev, IReadOnlyList<LinkConfig> links, string source, string path)
    {
        if (ev is null)
            throw Bad(source, path, "null; expected an event object");
        double at = ev.At ?? throw Bad(source, path + ".at", "missing; give the time after start in seconds");
        if (!(at >= 0 && double.IsFinite(at)))
            throw Bad(source, path + ".at", $"{Num(at)} must be a number of seconds ≥ 0");
        string linkName = Required(ev.Link, source, path + ".link");
        LinkConfig link = links.FirstOrDefault(l => l.Name == linkName)
            ?? throw Bad(source, path + ".link", $"\"{linkName}\" is not one of the links ({string.Join(", ", links.Select(l => l.Name))})");
        if (ev.Blackout is double b && !(b > 0 && double.IsFinite(b)))
            throw Bad(source, path + ".blackout", $"{Num(b)} must be a number of seconds > 0");
        if (ev.Up is null && ev.Down is null && ev.Blackout is null)
            throw Bad(source, path, "changes nothing; give \"up\", \"down\" or \"blackout\"");

        ProfilePatch? up = ev.Up is null ? null : ReadProfile(ev.Up, source, path + ".up");
        ProfilePatch? down = ev.Down is null ? null : ReadProfile(ev.Down, source, path + ".down");
        // Values are checked against the link's starting profile; earlier events cannot make a later one invalid
        // because every field is range-checked on its own.
        up?.ApplyTo(link.Up).Validate($"{source}: {path}.up");
        down?.ApplyTo(link.Down).Validate($"{source}: {path}.down");
        return new ScenarioEvent(at, linkName, up, down, ev.Blackout);
    }

    // ---- profiles --------------------------------------------------------------------------------------

    static ProfilePatch ReadProfile(ProfileJson? profile, string source, string path)
    {
        if (profile is null)
            return new ProfilePatch();
        if (profile.QueueBytes is not null && profile.QueueMs is not null)
            throw Bad(source, path + ".queue_ms", "and queue_bytes are both set; give one queue limit");
        return new ProfilePatch
        {
            RateBps = ReadRate(profile.Rate, source, path + ".rate"),
            QueueBytes = profile.QueueBytes,
            QueueMs = profile.QueueMs,
            DelayMs = profile.DelayMs,
            JitterMs = profile.JitterMs,
            Loss = ReadProbability(profile.Loss, source, path + ".loss"),
            Burst = profile.Ge.ValueKind == JsonValueKind.Object ? ReadGilbertElliott(profile.Ge, source, path + ".ge") : null,
            ClearBurst = profile.Ge.ValueKind == JsonValueKind.Null,
        };
    }

    static long? ReadRate(JsonElement value, string source, string path) => value.ValueKind switch
    {
        JsonValueKind.Undefined => null,
        JsonValueKind.String => Units.ParseRate(value.GetString()!, $"{source}: {path}"),
        JsonValueKind.Number when value.TryGetDouble(out double bps) && bps >= 0 && bps < long.MaxValue / 2 => (long)Math.Round(bps),
        _ => throw Bad(source, path, $"{value.GetRawText()} is not a rate; expected bits/s ≥ 0 as a number or a string like \"8M\""),
    };

    static double? ReadProbability(JsonElement value, string source, string path) => value.ValueKind switch
    {
        JsonValueKind.Undefined => null,
        JsonValueKind.String => Units.ParseProbability(value.GetString()!, $"{source}: {path}"),
        JsonValueKind.Number when value.TryGetDouble(out double p) && p is >= 0 and <= 1 => p,
        _ => throw Bad(source, path, $"{value.GetRawText()} is not a probability; expected a fraction in [0, 1] or a string like \"1%\""),
    };

    static GilbertElliott ReadGilbertElliott(JsonElement ge, string source, string path)
    {
        double? p = null, r = null, lossGood = null, lossBad = null;
        foreach (JsonProperty field in ge.EnumerateObject())
        {
            double? value = ReadProbability(field.Value, source, $"{path}.{field.Name}");
            switch (field.Name)
            {
                case "p": p = value; break;
                case "r": r = value; break;
                case "loss_good": lossGood = value; break;
                case "loss_bad": lossBad = value; break;
                default: throw Bad(source, $"{path}.{field.Name}", "is not a field of \"ge\"; expected p, r, loss_good, loss_bad");
            }
        }
        return new GilbertElliott(
            p ?? throw Bad(source, path + ".p", "missing; give P(good→bad) per packet"),
            r ?? throw Bad(source, path + ".r", "missing; give P(bad→good) per packet"),
            lossGood ?? 0,
            lossBad ?? 1);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static string Required(string? value, string source, string path) =>
        string.IsNullOrWhiteSpace(value) ? throw Bad(source, path, "missing or empty") : value;

    static string Num(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    static RistbondException Bad(string source, string path, string problem) => new($"{source}: {path}: {problem}");
}
