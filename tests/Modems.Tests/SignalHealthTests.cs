using Ristbond.Modems.Tests.Harness;

namespace Ristbond.Modems.Tests;

/// <summary>The signal → health table (src/Modems/README.md, "Signal → health prior"), point by point and as a whole.</summary>
public sealed class SignalHealthTests
{
    const long Now = 100 * Snapshots.Second;
    static readonly TimeSpan s_stale = TimeSpan.FromSeconds(6);

    static SignalReading Reading(double? rsrp, double? rsrq, double? snr, long at = Now) => new(rsrp, rsrq, snr, null, at);

    [Theory]
    [InlineData(-70, 1.0)]
    [InlineData(-80, 1.0)]
    [InlineData(-90, 0.8)]
    [InlineData(-95, 0.65)]
    [InlineData(-100, 0.5)]
    [InlineData(-110, 0.15)]
    [InlineData(-115, 0.075)]
    [InlineData(-120, 0.0)]
    [InlineData(-140, 0.0)]
    public void Rsrp_scores(double rsrp, double score) => Assert.Equal(score, SignalHealth.RsrpScore(rsrp), 3);

    [Theory]
    [InlineData(-5, 1.0)]
    [InlineData(-10, 1.0)]
    [InlineData(-12.5, 0.75)]
    [InlineData(-15, 0.5)]
    [InlineData(-20, 0.1)]
    [InlineData(-30, 0.1)]
    public void Rsrq_scores(double rsrq, double score) => Assert.Equal(score, SignalHealth.RsrqScore(rsrq), 3);

    [Theory]
    [InlineData(30, 1.0)]
    [InlineData(20, 1.0)]
    [InlineData(13, 0.8)]
    [InlineData(5, 0.5)]
    [InlineData(0, 0.2)]
    [InlineData(-3, 0.08)]
    [InlineData(-5, 0.0)]
    public void Snr_scores(double snr, double score) => Assert.Equal(score, SignalHealth.SnrScore(snr), 3);

    [Theory]
    // rsrp, rsrq, snr → factor range: the README's table of examples
    [InlineData(-75, -7, 25, 0.99, 1.0)]      // excellent
    [InlineData(-95, -12, 10, 0.6, 0.8)]      // fair
    [InlineData(-105, -14, 3, 0.3, 0.5)]      // poor
    [InlineData(-115, -17, -3, 0.0, 0.15)]    // collapse
    [InlineData(-75, -16, 25, 0.8, 0.9)]      // only RSRQ poor (a busy cell): mildly lower
    public void The_factor_combines_the_three_scores(double rsrp, double rsrq, double snr, double low, double high)
    {
        double factor = SignalHealth.Assess(Reading(rsrp, rsrq, snr), SignalHealth.LtePeakUplinkBps, SignalSource.Lte).Factor;
        Assert.InRange(factor, low, high);
    }

    [Fact]
    public void A_collapse_lowers_the_factor_clearly_before_packets_are_lost()
    {
        SignalAssessment collapse = SignalHealth.Assess(AccessTechnologies.Lte, Reading(-115, null, -3), null, Now, s_stale);
        Assert.True(collapse.Factor <= 0.3, $"{collapse}");
        Assert.Equal(SignalSource.Lte, collapse.Source);
    }

    [Fact]
    public void Stale_or_missing_readings_are_neutral()
    {
        SignalReading old = Reading(-115, -17, -3, at: Now - 7 * Snapshots.Second);
        Assert.Equal(SignalAssessment.Unknown, SignalHealth.Assess(AccessTechnologies.Lte, old, null, Now, s_stale));
        Assert.Equal(SignalAssessment.Unknown, SignalHealth.Assess(AccessTechnologies.Lte, null, null, Now, s_stale));
        Assert.Equal(SignalAssessment.Unknown, SignalHealth.Assess(AccessTechnologies.Lte, new SignalReading(null, null, null, -60, Now), null, Now, s_stale));
        SignalReading recent = Reading(-115, -17, -3, at: Now - 5 * Snapshots.Second);
        Assert.True(SignalHealth.Assess(AccessTechnologies.Lte, recent, null, Now, s_stale).Factor < 0.3);
        Assert.Equal(TimeSpan.FromSeconds(6), SignalHealth.DefaultStaleAfter(2));
    }

    [Fact]
    public void The_reading_of_the_technology_in_use_counts()
    {
        SignalReading goodLte = Reading(-80, -8, 22);
        SignalReading badNr = Reading(-116, -18, -4);
        // On LTE only, an NR reading is ignored; on 5G NR standalone, the LTE one is.
        Assert.Equal(SignalSource.Lte, SignalHealth.Assess(AccessTechnologies.Lte, goodLte, badNr, Now, s_stale).Source);
        SignalAssessment nrOnly = SignalHealth.Assess(AccessTechnologies.Nr5g, null, badNr, Now, s_stale);
        Assert.Equal(SignalSource.Nr5g, nrOnly.Source);
        Assert.True(nrOnly.Factor < 0.2);
        // EN-DC (LTE anchor + NR): the better one, since traffic falls back to the anchor.
        SignalAssessment endc = SignalHealth.Assess(AccessTechnologies.Lte | AccessTechnologies.Nr5g, goodLte, badNr, Now, s_stale);
        Assert.Equal(SignalSource.Lte, endc.Source);
        Assert.True(endc.Factor > 0.95);
        // Unknown technology: any fresh reading.
        Assert.Equal(SignalSource.Nr5g, SignalHealth.Assess(AccessTechnologies.Unknown, null, badNr, Now, s_stale).Source);
        // 3G: no LTE/NR reading applies.
        Assert.Equal(SignalAssessment.Unknown, SignalHealth.Assess(AccessTechnologies.Umts, goodLte, null, Now, s_stale));
    }

    [Fact]
    public void The_capacity_prior_follows_snr_and_rsrp_and_the_technology()
    {
        double Capacity(AccessTechnologies tech, SignalReading r) =>
            SignalHealth.Assess(tech, tech == AccessTechnologies.Lte ? r : null, tech == AccessTechnologies.Nr5g ? r : null, Now, s_stale).CapacityPriorBps!.Value;

        Assert.Equal(40e6, Capacity(AccessTechnologies.Lte, Reading(-80, -8, 25)), 0);
        Assert.Equal(100e6, Capacity(AccessTechnologies.Nr5g, Reading(-80, -8, 25)), 0);
        Assert.Equal(0.35 * 40e6, Capacity(AccessTechnologies.Lte, Reading(-80, -8, 10)), 0);   // SNR-bound
        Assert.Equal(0.25 * 40e6, Capacity(AccessTechnologies.Lte, Reading(-105, -8, 25)), 0);  // power-bound at the cell edge
        Assert.True(Capacity(AccessTechnologies.Lte, Reading(-115, -17, -3)) < 1e6);
        Assert.Null(SignalHealth.Assess(AccessTechnologies.Lte, Reading(null, -8, null), null, Now, s_stale).CapacityPriorBps);
    }

    [Fact]
    public void Worse_readings_never_give_a_higher_factor()
    {
        double previous = double.MaxValue;
        for (int step = 0; step <= 40; step++)
        {
            double factor = SignalHealth.Assess(Reading(-75 - step, -6 - step * 0.35, 25 - step * 0.8), SignalHealth.LtePeakUplinkBps, SignalSource.Lte).Factor;
            Assert.True(factor <= previous + 1e-12, $"step {step}: {factor} > {previous}");
            Assert.InRange(factor, 0.0, 1.0);
            previous = factor;
        }
    }
}
