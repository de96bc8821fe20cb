using System.Globalization;
using System.Reflection;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt.Traces;

/// <summary>
/// One link's capacity over time: one rate per interval (format in <c>README.md</c> beside the trace files).
/// A scenario's link follows it by a rate change at every interval, on either back-end.
/// </summary>
public sealed record CapacityTrace(string Name, double IntervalSeconds, IReadOnlyList<long> RatesBps)
{
    public const string Extension = ".trace";

    public double DurationSeconds => RatesBps.Count * IntervalSeconds;

    public double MeanBps => RatesBps.Average();

    /// <summary>The rate in force at <paramref name="seconds"/> (the last one past the end).</summary>
    public long RateAt(double seconds) => RatesBps[Math.Clamp((int)Math.Floor(seconds / IntervalSeconds), 0, RatesBps.Count - 1)];

    /// <summary>
    /// Reads a trace: <c>#</c> comments, one <c>interval_ms N</c> line, then one rate per line in kbit/s (0 is an
    /// outage). Errors name the source, the line and what is wrong.
    /// </summary>
    public static CapacityTrace Parse(string text, string name)
    {
        double? interval = null;
        var rates = new List<long>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line.StartsWith("interval_ms", StringComparison.Ordinal))
            {
                if (!double.TryParse(line.AsSpan("interval_ms".Length), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) || !(ms >= 10))
                    throw Bad(name, i, $"\"{line}\": expected interval_ms and a number of milliseconds ≥ 10");
                interval = ms / 1000;
                continue;
            }
            if (interval is null)
                throw Bad(name, i, "a rate before the interval_ms line");
            if (!long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out long kbps))
                throw Bad(name, i, $"\"{line}\" is not a rate in kbit/s (a whole number ≥ 0)");
            rates.Add(kbps * 1000);
        }
        if (interval is null || rates.Count == 0)
            throw new RistbondException($"trace {name}: no interval_ms line or no rates");
        return new CapacityTrace(name, interval.Value, rates);
    }

    /// <summary>The text of a trace: its comment lines, the interval, the rates in kbit/s.</summary>
    public string Format(IEnumerable<string> comments)
    {
        var lines = comments.Select(c => "# " + c).ToList();
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"interval_ms {IntervalSeconds * 1000:0.###}"));
        lines.AddRange(RatesBps.Select(r => (r / 1000).ToString(CultureInfo.InvariantCulture)));
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>A trace shipped inside the binary (the files beside this one).</summary>
    public static CapacityTrace Shipped(string name)
    {
        using Stream? stream = typeof(CapacityTrace).Assembly.GetManifestResourceStream("traces/" + name + Extension);
        if (stream is null)
            throw new RistbondException($"trace {name}: not one of the shipped traces ({string.Join(", ", ShippedNames)})");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), name);
    }

    public static IEnumerable<string> ShippedNames =>
        typeof(CapacityTrace).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("traces/", StringComparison.Ordinal))
            .Select(n => n["traces/".Length..^Extension.Length]).Order();

    static RistbondException Bad(string name, int line, string what) => new($"trace {name}: line {line + 1}: {what}");
}
