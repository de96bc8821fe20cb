using System.Globalization;

namespace Ristbond.Bench.Adapt.Traces;

/// <summary>
/// How a synthetic LTE uplink trace is made (all rates in bit/s, times in seconds). The rate is the mean times
/// two log-normal fading processes (an Ornstein–Uhlenbeck process each, in the log: slow for shadowing as the
/// vehicle moves, fast for scheduling and interference), with handover dips (the rate falls to a share for a
/// moment) and outages (0) at times drawn from the seed, clamped to [<see cref="MinBps"/>, mean × <see cref="MaxFactor"/>].
/// </summary>
public sealed record TraceModel
{
    public required string Name { get; init; }
    public required long MeanBps { get; init; }
    public double Seconds { get; init; } = 90;
    public double IntervalSeconds { get; init; } = 0.5;
    public double SlowSigma { get; init; }
    public double SlowTauSeconds { get; init; } = 10;
    public double FastSigma { get; init; }
    public double FastTauSeconds { get; init; } = 0.5;
    public int Handovers { get; init; }
    /// <summary>The share of the rate a handover leaves for its duration.</summary>
    public double HandoverKeeps { get; init; } = 0.2;
    public double HandoverSeconds { get; init; } = 1;
    public int Outages { get; init; }
    public double OutageSeconds { get; init; } = 2;
    public long MinBps { get; init; } = 300_000;
    public double MaxFactor { get; init; } = 2.5;
    public ulong Seed { get; init; } = 1;

    /// <summary>The model as the command line that makes it, for the trace's header and README.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"mean {MeanBps / 1e6:0.##} Mbit/s, {Seconds:0} s at {IntervalSeconds * 1000:0} ms; slow fading σ {SlowSigma:0.##} τ {SlowTauSeconds:0.#} s; fast σ {FastSigma:0.##} τ {FastTauSeconds:0.#} s; handovers {Handovers} (each to {HandoverKeeps * 100:0}% for {HandoverSeconds:0.#} s); outages {Outages} (each {OutageSeconds:0.#} s); clamp {MinBps / 1e6:0.##} Mbit/s .. {MaxFactor:0.#}× mean; seed {Seed}");
}

/// <summary>Makes a <see cref="CapacityTrace"/> from a <see cref="TraceModel"/>: the same model and seed always give the same trace.</summary>
public static class TraceSynth
{
    /// <summary>The shipped traces' models (README.md beside the files lists them).</summary>
    public static IReadOnlyList<TraceModel> Shipped { get; } =
    [
        new() { Name = "lte-slow-fading", MeanBps = 5_000_000, SlowSigma = 0.45, SlowTauSeconds = 12, FastSigma = 0.10, FastTauSeconds = 0.5, Handovers = 2, Seed = 101 },
        new() { Name = "lte-fast-variation", MeanBps = 3_000_000, SlowSigma = 0.15, SlowTauSeconds = 10, FastSigma = 0.35, FastTauSeconds = 0.6, Handovers = 3, Seed = 202 },
        new()
        {
            Name = "lte-handover-outage", MeanBps = 7_000_000, SlowSigma = 0.25, SlowTauSeconds = 8, FastSigma = 0.20, FastTauSeconds = 1,
            Handovers = 4, HandoverKeeps = 0.15, HandoverSeconds = 1.5, Outages = 1, OutageSeconds = 3, Seed = 303,
        },
    ];

    public static CapacityTrace Make(TraceModel m)
    {
        var random = new Xorshift(m.Seed);
        int count = (int)Math.Round(m.Seconds / m.IntervalSeconds);
        double slow = m.SlowSigma * random.Normal(), fast = m.FastSigma * random.Normal();
        double slowKeep = Math.Exp(-m.IntervalSeconds / m.SlowTauSeconds), fastKeep = Math.Exp(-m.IntervalSeconds / m.FastTauSeconds);
        // Events away from the first and last 5 s, so a run starts and ends on the fading alone.
        double[] handovers = [.. Enumerable.Range(0, m.Handovers).Select(_ => 5 + random.Uniform() * (m.Seconds - 10))];
        double[] outages = [.. Enumerable.Range(0, m.Outages).Select(_ => 5 + random.Uniform() * (m.Seconds - 10))];
        // exp(x) of a normal x has mean exp(σ²/2): taken off so the trace's mean stays near MeanBps.
        double bias = Math.Exp(-(m.SlowSigma * m.SlowSigma + m.FastSigma * m.FastSigma) / 2);
        var rates = new long[count];
        for (int i = 0; i < count; i++)
        {
            double t = i * m.IntervalSeconds;
            double rate = m.MeanBps * bias * Math.Exp(slow + fast);
            if (handovers.Any(h => t >= h && t < h + m.HandoverSeconds))
                rate *= m.HandoverKeeps;
            rate = Math.Clamp(rate, m.MinBps, m.MeanBps * m.MaxFactor);
            if (outages.Any(o => t >= o && t < o + m.OutageSeconds))
                rate = 0;
            rates[i] = (long)Math.Round(rate / 1000) * 1000;
            slow = slowKeep * slow + m.SlowSigma * Math.Sqrt(1 - slowKeep * slowKeep) * random.Normal();
            fast = fastKeep * fast + m.FastSigma * Math.Sqrt(1 - fastKeep * fastKeep) * random.Normal();
        }
        return new CapacityTrace(m.Name, m.IntervalSeconds, rates);
    }

    /// <summary>The trace file's text: what made it, then the trace.</summary>
    public static string FileText(TraceModel m) => Make(m).Format(
    [
        $"{m.Name}: synthetic LTE uplink capacity for ristbond bench adapt (format: README.md beside this file).",
        $"Made by `ristbond bench trace {m.Name}` from: {m.Describe()}.",
    ]);

    /// <summary>xorshift64* with Box–Muller normals: small, and the same on every platform and .NET version.</summary>
    sealed class Xorshift(ulong seed)
    {
        ulong _state = seed == 0 ? 0x9E3779B97F4A7C15 : seed;

        public double Uniform()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return ((_state * 0x2545F4914F6CDD1DUL) >> 11) * (1.0 / (1UL << 53));
        }

        public double Normal() => Math.Sqrt(-2 * Math.Log(1 - Uniform())) * Math.Cos(2 * Math.PI * Uniform());
    }
}
