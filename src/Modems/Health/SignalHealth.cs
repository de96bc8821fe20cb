using Ristbond.Platform;

namespace Ristbond.Modems;

/// <summary>Which reading a <see cref="SignalAssessment"/> came from.</summary>
public enum SignalSource
{
    /// <summary>No fresh reading for the access technology in use: the factor is neutral (1) and there is no capacity prior.</summary>
    Unknown,
    Lte,
    Nr5g,
}

/// <summary>
/// What the radio says about a link before any packet does: <see cref="Factor"/> in [0, 1] (1 = healthy or unknown)
/// to scale the link's weight, and a rough uplink capacity prior in bits/s (null when unknown).
/// </summary>
public readonly record struct SignalAssessment(double Factor, double? CapacityPriorBps, SignalSource Source)
{
    public static readonly SignalAssessment Unknown = new(1.0, null, SignalSource.Unknown);
}

/// <summary>
/// Maps Modem.Signal readings (RSRP, RSRQ, SNR) to a health factor and a capacity prior. Pure and table-driven;
/// the tables and the reasoning behind them are in src/Modems/README.md ("Signal → health prior").
/// </summary>
public static class SignalHealth
{
    // (dBm or dB, score) points, linear between them, flat outside. From the bands field engineers use:
    // RSRP ≥ -80 excellent, -90..-100 fair, ≤ -110 very poor; RSRQ ≥ -10 good, < -15 poor; SNR ≥ 20 excellent, < 0 bad.
    static readonly (double X, double Y)[] s_rsrpScore = [(-120, 0.0), (-110, 0.15), (-100, 0.5), (-90, 0.8), (-80, 1.0)];
    static readonly (double X, double Y)[] s_rsrqScore = [(-20, 0.1), (-15, 0.5), (-10, 1.0)];
    static readonly (double X, double Y)[] s_snrScore = [(-5, 0.0), (0, 0.2), (5, 0.5), (13, 0.8), (20, 1.0)];

    // Share of the technology's peak uplink rate a reading allows. The uplink is what a bonding encoder uses, and
    // it is limited by SNR (modulation and coding) and, at the cell edge, by the handset's transmit power (RSRP).
    static readonly (double X, double Y)[] s_snrShare = [(-5, 0.0), (0, 0.05), (5, 0.15), (10, 0.35), (15, 0.6), (20, 0.85), (25, 1.0)];
    static readonly (double X, double Y)[] s_rsrpShare = [(-125, 0.0), (-115, 0.05), (-105, 0.25), (-95, 0.6), (-85, 1.0)];

    /// <summary>A realistic best-case uplink of one modem: LTE (Cat 4–12 uplink, 20 MHz) and 5G NR (sub-6 GHz).</summary>
    public const double LtePeakUplinkBps = 40e6;
    public const double Nr5gPeakUplinkBps = 100e6;

    // The weights of the three scores in the factor's geometric mean: SNR predicts throughput best.
    const double SnrWeight = 0.5;
    const double RsrpWeight = 0.3;
    const double RsrqWeight = 0.2;

    /// <summary>Readings older than this are ignored: by default 3× the Modem.Signal rate the watcher asks for.</summary>
    public static TimeSpan DefaultStaleAfter(uint signalRateSeconds) => TimeSpan.FromSeconds(3 * Math.Max(1u, signalRateSeconds));

    /// <summary>The assessment of a modem's current readings, for the access technology it uses.</summary>
    public static SignalAssessment Assess(ModemSnapshot modem, long nowNanos, TimeSpan staleAfter) =>
        Assess(modem.AccessTechnologies, modem.Lte, modem.Nr5g, nowNanos, staleAfter);

    /// <summary>
    /// Uses the LTE reading when the modem is on LTE and the NR reading when it is on 5G NR (both on EN-DC, where
    /// the better one wins: traffic falls back to the LTE anchor when NR fades); any fresh reading when the
    /// technology is unknown. Stale or missing readings give <see cref="SignalAssessment.Unknown"/>.
    /// </summary>
    public static SignalAssessment Assess(AccessTechnologies technologies, SignalReading? lte, SignalReading? nr5g, long nowNanos, TimeSpan staleAfter)
    {
        long staleNanos = staleAfter.Ticks * (MonotonicClock.NanosPerSecond / TimeSpan.TicksPerSecond);
        bool anyKnown = technologies == AccessTechnologies.Unknown;
        SignalAssessment best = SignalAssessment.Unknown;
        if ((anyKnown || (technologies & (AccessTechnologies.Lte | AccessTechnologies.Nr5g)) != 0) && Fresh(lte, nowNanos, staleNanos) is SignalReading l)
            best = Pick(best, Assess(l, LtePeakUplinkBps, SignalSource.Lte));
        if ((anyKnown || (technologies & AccessTechnologies.Nr5g) != 0) && Fresh(nr5g, nowNanos, staleNanos) is SignalReading n)
            best = Pick(best, Assess(n, Nr5gPeakUplinkBps, SignalSource.Nr5g));
        return best;
    }

    /// <summary>One reading on its own (no staleness check).</summary>
    public static SignalAssessment Assess(SignalReading reading, double peakUplinkBps, SignalSource source)
    {
        double weighted = 0, weights = 0;
        Add(reading.Snr, s_snrScore, SnrWeight);
        Add(reading.Rsrp, s_rsrpScore, RsrpWeight);
        Add(reading.Rsrq, s_rsrqScore, RsrqWeight);
        if (weights == 0)
            return SignalAssessment.Unknown;
        double factor = Math.Exp(weighted / weights);

        double? share = (reading.Snr, reading.Rsrp) switch
        {
            (double snr, double rsrp) => Math.Min(Interpolate(s_snrShare, snr), Interpolate(s_rsrpShare, rsrp)),
            (double snr, null) => Interpolate(s_snrShare, snr),
            (null, double rsrp) => Interpolate(s_rsrpShare, rsrp),
            _ => null,
        };
        return new SignalAssessment(factor, share * peakUplinkBps, source);

        // A weighted geometric mean: one collapsed metric pulls the factor down hard, one merely mediocre one does not.
        void Add(double? value, (double X, double Y)[] table, double weight)
        {
            if (value is not double v)
                return;
            weighted += weight * Math.Log(Math.Max(Interpolate(table, v), 0.01));
            weights += weight;
        }
    }

    public static double RsrpScore(double rsrpDbm) => Interpolate(s_rsrpScore, rsrpDbm);

    public static double RsrqScore(double rsrqDb) => Interpolate(s_rsrqScore, rsrqDb);

    public static double SnrScore(double snrDb) => Interpolate(s_snrScore, snrDb);

    static SignalReading? Fresh(SignalReading? reading, long nowNanos, long staleNanos) =>
        reading is SignalReading r && r.HasValues && nowNanos - r.ReceivedNanos <= staleNanos ? r : null;

    static SignalAssessment Pick(SignalAssessment current, SignalAssessment candidate) =>
        current.Source == SignalSource.Unknown || candidate.Source != SignalSource.Unknown && candidate.Factor > current.Factor ? candidate : current;

    static double Interpolate((double X, double Y)[] table, double x)
    {
        if (x <= table[0].X)
            return table[0].Y;
        for (int i = 1; i < table.Length; i++)
        {
            if (x <= table[i].X)
            {
                var (x0, y0) = table[i - 1];
                var (x1, y1) = table[i];
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            }
        }
        return table[^1].Y;
    }
}
