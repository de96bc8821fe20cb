using System.Globalization;
using System.Text;

namespace Ristbond.Bonding;

/// <summary>
/// The control loop's reasoning, one CSV row per link per tick: what it measured, what it concluded (capacity,
/// health, state) and what it did (weight, bitrate). For tuning and for a field engineer asking "why did it drop
/// that link?"; the once-a-second stats stream is too coarse to tell. Pure formatting: the caller owns the file.
/// </summary>
public static class ControlTrace
{
    public const string Header =
        "t_s,source_bps,recommended_bps,usable_bps,aggregate_loss,event," +
        "link,state,weight,share,estimate_bps,measured_bps,probed,rate_bps,health,weight_health,loss,answer_ratio," +
        "rtt_ms,base_rtt_ms,queue_ms,queue_slope,jitter_ms,sent_bps,retransmit_bps";

    /// <summary>Appends this tick's rows (one per link, newline-terminated) to <paramref name="into"/>.</summary>
    public static void AppendRows(StringBuilder into, double seconds, double sourceBps, BondingDecision decision, IReadOnlyList<LinkTracker> links)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        string stream = string.Create(c, $"{seconds:F3},{sourceBps:F0},{decision.RecommendedBitrateBps:F0},{decision.UsableCapacityBps:F0},{decision.AggregateLoss:F4},{decision.Event?.WireType}");
        foreach (LinkTracker link in links)
        {
            LinkDecision? d = null;
            foreach (LinkDecision candidate in decision.Links)
            {
                if (candidate.Name == link.Name)
                    d = candidate;
            }
            into.Append(stream).Append(',').Append(link.Name).Append(',')
                .Append(c, $"{link.State},{d?.Weight ?? 0},{link.Share:F3},{link.Capacity.EstimateBps:F0},{link.Capacity.MeasuredBps:F0},{(link.Capacity.Probed ? 1 : 0)},{link.Capacity.RateBps:F0},")
                .Append(c, $"{link.Health:F3},{link.WeightHealth:F3},{link.Loss:F4},{link.Answers.Ratio:F3},")
                .Append(c, $"{link.Rtt.SmoothedMs:F1},{link.Rtt.BaseMs:F1},{link.Rtt.QueueDelayMs:F1},{link.Rtt.QueueSlope(link.Last.ReportNanos, 500_000_000):F3},{link.Rtt.JitterMs:F1},{link.SendRateBps:F0},{link.RetransmitRateBps:F0}")
                .Append('\n');
        }
    }
}
