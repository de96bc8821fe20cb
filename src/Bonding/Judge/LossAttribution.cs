namespace Ristbond.Bonding;

/// <summary>
/// Where the stream's losses happen. A librist receiver sends all its NACKs over its lowest-RTT link, so
/// retransmission counts per link say nothing about which link lost the packets. What a sender does know: the
/// total retransmitted (precise: real data lost), how much data each link was given, and each link's keepalive
/// deficit (per link, but noisy: it only has to point). Each tick the retransmissions are shared out in
/// proportion to data sent × (deficit beyond the noise + a floor): with no deficit anywhere, in proportion to
/// data, the same rate for all, which <see cref="Common"/> then takes out again.
/// </summary>
public static class LossAttribution
{
    /// <summary>Keeps a link with no deficit in the share-out (so loss with no evidence anywhere is spread by data).</summary>
    public const double EvidenceFloor = 0.01;

    /// <param name="deadband">Deficits up to this are noise (<see cref="BondingOptions.LossDeadband"/>, more when links are few).</param>
    public static void Attribute(IReadOnlyList<LinkTracker> links, double expectedAnswerRatio, double deadband, long retransmitted, long datagrams, double seconds, BondingOptions options)
    {
        double alpha = Math.Min(1, seconds * 1e9 / options.LossTimeConstantNanos);
        // Evidence within the deficit's noise counts as none, or noise alone would move the blame around; beyond
        // it, squared, so that one link clearly losing takes nearly all the blame instead of a diluted part.
        double Evidence(LinkTracker link)
        {
            double e = Math.Max(0, link.Answers.Deficit(expectedAnswerRatio) - deadband) + EvidenceFloor;
            return e * e;
        }
        double weightTotal = 0;
        foreach (LinkTracker link in links)
        {
            if (link.State.CarriesTraffic())
                weightTotal += link.Share * Evidence(link);
        }
        foreach (LinkTracker link in links)
        {
            if (!link.State.CarriesTraffic() || datagrams <= 0 || weightTotal <= 0 || link.Share <= 0)
            {
                link.AttributedLoss = 0;
                continue;
            }
            double data = link.Share * datagrams;
            double blamed = retransmitted * link.Share * Evidence(link) / weightTotal;
            double rate = Math.Min(1, blamed / data);
            link.AttributedLoss += alpha * (rate - link.AttributedLoss);
        }
    }

    /// <summary>The attributed loss every link in rotation shows alike (the smallest): not any one link's problem.</summary>
    public static double Common(IReadOnlyList<LinkTracker> links)
    {
        double common = double.MaxValue;
        int counted = 0;
        foreach (LinkTracker link in links)
        {
            if (!link.State.CarriesTraffic())
                continue;
            common = Math.Min(common, link.AttributedLoss);
            counted++;
        }
        return counted >= 2 ? common : 0;
    }
}
