using System.Globalization;
using System.Text;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator;

/// <summary>
/// Gilbert-Elliott burst loss: a two-state Markov chain stepped once per packet. <see cref="P"/> is
/// P(good→bad), <see cref="R"/> is P(bad→good); in each state a packet is lost with that state's probability.
/// Mean loss = p/(p+r)·LossBad + r/(p+r)·LossGood; mean burst length in the bad state = 1/r packets.
/// </summary>
public sealed record GilbertElliott(double P, double R, double LossGood = 0, double LossBad = 1)
{
    public double MeanLoss => P + R == 0 ? LossGood : (P * LossBad + R * LossGood) / (P + R);
}

/// <summary>
/// What one direction of an emulated link does to packets. Immutable: a live change swaps the whole profile.
/// Rates and queue sizes count IP packet bytes (UDP payload + <see cref="IpUdpOverheadBytes"/>), as a
/// cellular bearer or tc would.
/// </summary>
public sealed record DirectionProfile
{
    /// <summary>Queue limit when neither <see cref="QueueMs"/> nor <see cref="QueueBytes"/> is set.</summary>
    public const double DefaultQueueMs = 250;

    /// <summary>IPv4 (20) + UDP (8) header bytes added to each datagram's payload for rate and queue accounting.</summary>
    public const int IpUdpOverheadBytes = 28;

    /// <summary>Serialization rate in bits/s; 0 = unlimited (no queue, no serialization delay).</summary>
    public long RateBps { get; init; }

    /// <summary>Queue limit in bytes; wins over <see cref="QueueMs"/>.</summary>
    public int? QueueBytes { get; init; }

    /// <summary>Queue limit as time at <see cref="RateBps"/>, so it follows rate changes. Default 250 ms.</summary>
    public double? QueueMs { get; init; }

    /// <summary>Base one-way delay added after serialization.</summary>
    public double DelayMs { get; init; }

    /// <summary>Half-width of the uniform jitter: each packet's delay is DelayMs + U(−JitterMs, +JitterMs), clipped at 0.</summary>
    public double JitterMs { get; init; }

    /// <summary>Bernoulli loss probability per packet, in [0, 1].</summary>
    public double Loss { get; init; }

    /// <summary>Burst loss on top of <see cref="Loss"/> (a packet is lost if either says so); null = none.</summary>
    public GilbertElliott? Burst { get; init; }

    public static DirectionProfile Unimpaired { get; } = new();

    /// <summary>The tail-drop limit in bytes; long.MaxValue when the rate is unlimited.</summary>
    public long QueueLimitBytes =>
        RateBps == 0 ? long.MaxValue
        : QueueBytes is int bytes ? bytes
        : (long)(RateBps / 8.0 * (QueueMs ?? DefaultQueueMs) / 1000.0);

    /// <summary>Throws a <see cref="RistbondException"/> naming <paramref name="what"/> and the field if a value is out of range.</summary>
    public void Validate(string what)
    {
        if (RateBps < 0)
            throw Bad(what, "rate", RateBps.ToString(CultureInfo.InvariantCulture), "must be ≥ 0 (0 = unlimited)");
        if (QueueBytes is <= 0)
            throw Bad(what, "queue_bytes", QueueBytes.Value.ToString(CultureInfo.InvariantCulture), "must be > 0");
        if (QueueMs is double qms && !(qms > 0 && double.IsFinite(qms)))
            throw Bad(what, "queue_ms", Num(qms), "must be > 0");
        CheckMs(what, "delay_ms", DelayMs);
        CheckMs(what, "jitter_ms", JitterMs);
        CheckProbability(what, "loss", Loss);
        if (Burst is { } ge)
        {
            CheckProbability(what, "ge.p", ge.P);
            CheckProbability(what, "ge.r", ge.R);
            CheckProbability(what, "ge.loss_good", ge.LossGood);
            CheckProbability(what, "ge.loss_bad", ge.LossBad);
        }
    }

    /// <summary>One-line summary for logs: "4M q=250ms 30±5ms loss=1% ge(p=0.01,r=0.2)".</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Units.FormatRate(RateBps));
        if (RateBps != 0)
            text.Append(QueueBytes is int b ? $" q={b}B" : $" q={Num(QueueMs ?? DefaultQueueMs)}ms");
        text.Append(' ').Append(Num(DelayMs));
        if (JitterMs > 0)
            text.Append('±').Append(Num(JitterMs));
        text.Append("ms");
        if (Loss > 0)
            text.Append(" loss=").Append(Num(Loss * 100)).Append('%');
        if (Burst is { } ge)
            text.Append($" ge(p={Num(ge.P)},r={Num(ge.R)},good={Num(ge.LossGood)},bad={Num(ge.LossBad)})");
        return text.ToString();
    }

    static void CheckMs(string what, string field, double ms)
    {
        if (!(ms >= 0 && double.IsFinite(ms)))
            throw Bad(what, field, Num(ms), "must be a finite number of milliseconds ≥ 0");
    }

    static void CheckProbability(string what, string field, double p)
    {
        if (!(p >= 0 && p <= 1))
            throw Bad(what, field, Num(p), "must be a probability in [0, 1]");
    }

    static string Num(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    static RistbondException Bad(string what, string field, string value, string why) => new($"{what}.{field}: {value} {why}");
}
