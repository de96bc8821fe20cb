namespace Ristbond.Bonding;

/// <summary>
/// Health in [0,1]: how much of its capacity a link should be given. The product of a loss factor, a round-trip
/// factor and the modem's signal factor. A queue is not in it: the capacity estimate measures what a queue says,
/// and counting it here as well made every link look sick whenever the stream was briefly too fast for all of
/// them. Pure functions, documented in the README.
/// </summary>
public static class LinkHealth
{
    /// <summary>
    /// (1 − loss)⁴ — the aggressive backoff the design asks for — times a ramp from 1 at the soft limit to 0 at
    /// the loss limit, so a link losing 5% of round trips carries about a sixth of its former share and one past the
    /// limit none.
    /// </summary>
    public static double LossFactor(double loss, BondingOptions options)
    {
        loss = Math.Clamp(loss, 0, 1);
        double backoff = Math.Pow(1 - loss, 4);
        double ramp = loss <= options.LossSoft ? 1 : Math.Clamp((options.LossLimit - loss) / (options.LossLimit - options.LossSoft), 0, 1);
        return backoff * ramp;
    }

    /// <summary>1 up to half the RTT limit, then down to 0 at it: past it a retransmission comes too late for the receiver's buffer.</summary>
    public static double RttFactor(double rttMs, BondingOptions options) =>
        rttMs <= 0 ? 1 : Math.Clamp((options.RttLimitMs - rttMs) / (options.RttLimitMs * 0.5), 0, 1);

    public static double Combine(double lossFactor, double rttFactor, double signalFactor) =>
        Math.Clamp(lossFactor * rttFactor * Math.Clamp(signalFactor, 0, 1), 0, 1);
}
