namespace Ristbond.Bonding;

/// <summary>
/// Health in [0,1]: how much of its capacity a link should be given. The product of a loss factor, a delay
/// factor and the modem's signal factor. Pure functions, documented in the README.
/// </summary>
public static class LinkHealth
{
    /// <summary>
    /// (1 − loss)⁴ — the aggressive backoff the design asks for — times a ramp from 1 at the soft limit to 0 at
    /// the loss limit, so a link losing 5% of round trips carries about half its former share and one past the
    /// limit none.
    /// </summary>
    public static double LossFactor(double loss, BondingOptions options)
    {
        loss = Math.Clamp(loss, 0, 1);
        double backoff = Math.Pow(1 - loss, 4);
        double ramp = loss <= options.LossSoft ? 1 : Math.Clamp((options.LossLimit - loss) / (options.LossLimit - options.LossSoft), 0, 1);
        return backoff * ramp;
    }

    /// <summary>
    /// 1 while the queue is short; 0.5 at <see cref="BondingOptions.QueueMaxMs"/> and 0.1 at twice that, so a link
    /// with a standing queue sheds load at once (its late packets would otherwise fall outside the receiver's
    /// reorder window and be NACKed, and every retransmission leaves on the lowest-RTT link). Also 0 as the RTT
    /// approaches the limit beyond which retransmissions come too late.
    /// </summary>
    public static double DelayFactor(double rttMs, double queueDelayMs, BondingOptions options)
    {
        if (rttMs <= 0)
            return 1;
        double queuePart = queueDelayMs <= options.QueueHighMs ? 1
            : queueDelayMs <= options.QueueMaxMs ? 1 - 0.5 * (queueDelayMs - options.QueueHighMs) / (options.QueueMaxMs - options.QueueHighMs)
            : Math.Max(0.1, 0.5 - 0.4 * (queueDelayMs - options.QueueMaxMs) / options.QueueMaxMs);
        double rttPart = Math.Clamp((options.RttLimitMs - rttMs) / (options.RttLimitMs * 0.5), 0, 1);
        return Math.Min(queuePart, rttPart);
    }

    public static double Combine(double lossFactor, double delayFactor, double signalFactor) =>
        Math.Clamp(lossFactor * delayFactor * Math.Clamp(signalFactor, 0, 1), 0, 1);
}
