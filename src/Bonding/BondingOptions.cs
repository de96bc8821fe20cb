namespace Ristbond.Bonding;

/// <summary>
/// Every tunable of the bonding control logic in one place, grouped by stage (src/Bonding/README.md), each with what
/// it protects. Times are in nanoseconds of the monotonic clock, rates in bits per second of TS payload.
/// </summary>
public sealed record BondingOptions
{
    const long Ms = 1_000_000;
    const long S = 1_000_000_000;

    /// <summary>
    /// False: every link in rotation gets its configured preference as its share and the recommendation stays at
    /// the start bitrate (librist's static weights, with dead links still taken out). For comparison and for
    /// redundancy set-ups.
    /// </summary>
    public bool Adaptive { get; init; } = true;

    /// <summary>Bytes of TS per datagram (7×188): what one packet on a link carries.</summary>
    public int DatagramBytes { get; init; } = 1316;

    // --- Stage 1: estimate each link --------------------------------------------------------------------------

    /// <summary>
    /// RTCP silence after which a link is dead. A receiver answers each of our keepalives (every 10 ms): 150 ms is 15
    /// answers missing in a row, far past a lost burst or an LTE handover (30–60 ms), and leaves room in the 500 ms
    /// goal for the return trip, the stats interval and the tick. A link declared dead on a longer stall comes back
    /// through probing as soon as it answers, and flap damping bounds how often.
    /// </summary>
    public long DeadAfterNanos { get; init; } = 150 * Ms;
    /// <summary>EWMA weight of each new RTT sample for the displayed smoothed RTT (TCP's 1/8).</summary>
    public double RttAlpha { get; init; } = 0.125;
    /// <summary>The base RTT is the minimum over this window, so a route change is adopted after it.</summary>
    public long MinRttWindowNanos { get; init; } = 10 * S;
    /// <summary>
    /// A queue shorter than this (plus twice the link's RTT jitter) is no queue: librist reports whole milliseconds and
    /// a cellular path's delay wanders a little. Above it, the link's bottleneck is busy and its queue's slope measures
    /// the capacity.
    /// </summary>
    public double QueuePresentMs { get; init; } = 5;
    /// <summary>
    /// The queue the planner lets a link keep before it drains it: under the receiver's reorder window (README:
    /// spread of delays + 100 ms), so packets queued that long are still in time, with room for a probe's overshoot.
    /// </summary>
    public double QueueTargetMs { get; init; } = 30;
    /// <summary>Above this the link is tail-dropping or about to (cellular buffers, tbf limits): its send rate, less its loss, bounds its capacity.</summary>
    public double QueueOverloadMs { get; init; } = 150;
    /// <summary>RTT (base + queue) at which health reaches 0: beyond it retransmissions cannot arrive within the receiver's buffer.</summary>
    public double RttLimitMs { get; init; } = 600;
    /// <summary>
    /// The span over which a capacity is measured from the queue's slope and the rate sent: long enough that the lag
    /// between what we sent and when its queue shows (a round trip plus librist's RTT smoothing) is a small part of
    /// it, short enough to follow a cellular link's variation.
    /// </summary>
    public long MeasureWindowNanos { get; init; } = 500 * Ms;
    /// <summary>
    /// How long a queue that stands still, neither building nor draining while the plan sends less to drain it, is
    /// taken for a queue before it is taken for a step in the path's delay (a handover, a route change) and the base
    /// RTT re-learned from it. A queue of ours past the target drains within a few reports once the plan sends less.
    /// </summary>
    public long RebaseAfterNanos { get; init; } = 1 * S;

    /// <summary>Capacity assumed for a link before anything is known about it (no modem prior, no start bitrate).</summary>
    public double InitialCapacityBps { get; init; } = 1_000_000;
    public double MinCapacityBps { get; init; } = 100_000;
    /// <summary>
    /// A link sent at least this share of what its estimate allows is filled: a rate it carries without a queue is
    /// evidence its capacity is higher, and the estimate grows. A link sent less is limited by the stream (the encoder
    /// made less than asked, or the link was given less): nothing it shows lowers the estimate.
    /// </summary>
    public double FilledShare { get; init; } = 0.85;
    /// <summary>
    /// How fast a filled link without a queue grows its estimate right after its capacity was measured (per second):
    /// the probe that finds out whether the link carries more. Slow, because the link is near its capacity then.
    /// </summary>
    public double ProbeGrowthPerSecond { get; init; } = 0.04;
    /// <summary>
    /// The probe doubles its pace every this long without a queue (up to <see cref="ProbeGrowthMaxPerSecond"/>): a link
    /// whose capacity rose, or was under-estimated, is found in seconds, not minutes, while one near its capacity is
    /// overshot by little.
    /// </summary>
    public long ProbeDoublingNanos { get; init; } = 2 * S;
    public double ProbeGrowthMaxPerSecond { get; init; } = 0.5;
    /// <summary>Until a link has shown a queue once, it grows at the largest pace (a slow start, as TCP's).</summary>
    public double SlowStartGrowthPerSecond { get; init; } = 0.5;
    /// <summary>
    /// … and never by more than this per round trip: a long link shows an overload later, so it may grow less in
    /// that time, and overshoots no more than a short one.
    /// </summary>
    public double ProbeGrowthPerRoundTrip { get; init; } = 0.05;
    /// <summary>A link coming back from dead starts from this share of the estimate it had, and probes up from there.</summary>
    public double RevivedCapacityShare { get; init; } = 0.5;

    /// <summary>
    /// Time constant of the filter on each link's attributed loss. Retransmissions come a reorder buffer and a round
    /// trip after the loss, and where they belong a keepalive window later: longer and a link that began to lose 5%
    /// kept its share past a second; shorter and counting noise moves shares.
    /// </summary>
    public long LossTimeConstantNanos { get; init; } = 150 * Ms;

    // --- Stage 2: judge the links against each other -------------------------------------------------------

    /// <summary>
    /// Round-trip loss under this is counting noise, not a link problem: about 1.7σ of the answer counts over the
    /// filter's span at 100 keepalives/s with 2% loss on every link.
    /// </summary>
    public double LossDeadband { get; init; } = 0.04;
    /// <summary>
    /// Loss at which health starts to fall off steeply, and at which it reaches 0. A link losing a percent or two of
    /// what it carries keeps most of its share (the receiver recovers it at the cost of as many retransmissions);
    /// past that, loss is what a failing radio looks like, and a link losing 5% of its data keeps a third of its share.
    /// </summary>
    public double LossSoft { get; init; } = 0.01;
    public double LossLimit { get; init; } = 0.08;
    /// <summary>
    /// After a link is declared dead, the retransmissions of what it lost in its silence keep coming for about a
    /// receiver buffer: for this long they are the dead link's loss, not the other links' nor the stream's.
    /// </summary>
    public long DeadLinkRetransmitNanos { get; init; } = 1200 * Ms;
    /// <summary>Health below which a link is degraded (after <see cref="DegradeAfterNanos"/>), and above which it recovers (after <see cref="RecoverAfterNanos"/>).</summary>
    public double DegradedBelow { get; init; } = 0.5;
    public double RecoveredAbove { get; init; } = 0.75;
    public long DegradeAfterNanos { get; init; } = 300 * Ms;
    public long RecoverAfterNanos { get; init; } = 2 * S;
    /// <summary>
    /// A fall of health below this (from 0.1 above it or more) is a dip: it counts toward flap damping, and the share
    /// follows the health back up only after <see cref="HealthRiseAfterDipNanos"/>. A link whose loss or delay costs
    /// it a sixth of its share has dipped: a shallower threshold let such a link win its share back half a second
    /// after each bad moment and lose it at the next.
    /// </summary>
    public double DipBelow { get; init; } = 0.85;
    /// <summary>Flap damping: each dip of health or death adds 1; the penalty halves every this long; at 3 or more (a dip every few seconds) the link is degraded and held there.</summary>
    public long FlapHalfLifeNanos { get; init; } = 15 * S;
    public double FlapHoldPenalty { get; init; } = 3;
    /// <summary>A link's weight follows its health up only once the health has held this long (down at once).</summary>
    public long HealthRiseDelayNanos { get; init; } = 500 * Ms;
    /// <summary>
    /// … and this long for a link that dipped within the last flap half-life (times its flap penalty, up to four, when
    /// it dipped more than once): at most one reversal per this time, fewer the more it flaps.
    /// </summary>
    public long HealthRiseAfterDipNanos { get; init; } = 5 * S;
    /// <summary>How long a link that has just come (back) to life carries only a trial share.</summary>
    public long ProbingNanos { get; init; } = 1 * S;
    /// <summary>The largest share of the stream a probing link gets.</summary>
    public double ProbingShare { get; init; } = 0.15;

    // --- Stage 3: plan weights and bitrate -----------------------------------------------------------------

    /// <summary>
    /// Each link is planned this far under its estimate: the estimate runs ahead of the capacity by up to this much
    /// (that is the probe: a queue shows when it does), so the link is sent between 1 − this and 1 of what it carries.
    /// </summary>
    public double Headroom { get; init; } = 0.08;
    /// <summary>
    /// Part of the lowest-RTT link's capacity kept for retransmissions: the receiver sends every NACK there, so a loss
    /// burst on any link comes back as a burst of retransmissions on that one.
    /// </summary>
    public double RetransmitReserve { get; init; } = 0.05;
    /// <summary>
    /// The most that draining queues and the NACK link's reserve for a burst of retransmissions take off the stream
    /// below what the links' estimates carry: they are moments, which the queues and the receiver's buffer absorb, and
    /// a cut deeper than the capacity that went is a whipsaw the viewer sees.
    /// </summary>
    public double TransientCutMax { get; init; } = 0.15;
    /// <summary>A link whose queue is past <see cref="QueueTargetMs"/> is planned down by this share per 100 ms of excess queue, so it drains in under a second; at most by half.</summary>
    public double DrainPer100Ms { get; init; } = 0.25;
    /// <summary>
    /// The survivors' capacity kept free for a dead link's retransmissions while they come, as a part of the share the
    /// dead link carried: what it lost between falling silent and being found dead (about a third of a second of its
    /// share) comes back within the receiver's buffer, after its reorder buffer, all on the NACK link. Three quarters
    /// of that share spreads it over about half a second; at most <see cref="DeadLinkBurstAllowanceMax"/>.
    /// </summary>
    public double DeadLinkBurstShare { get; init; } = 0.75;
    /// <summary>The most of the survivors' capacity kept for a dead link's retransmissions.</summary>
    public double DeadLinkBurstAllowanceMax { get; init; } = 0.5;
    /// <summary>A link just added counts at its prior capacity this long while it connects, so start-up is not taken for congestion.</summary>
    public long ConnectGraceNanos { get; init; } = 2 * S;
    /// <summary>
    /// librist weight units for a whole stream; a link out of rotation gets weight 1 (0 would mean "copy everything").
    /// librist 0.2.x refills a round's credits only when the round (the sum of weights) is spent, so the heaviest
    /// link takes the stream alone for a part of each round: a round of about 100 packets keeps those bursts to tens
    /// of milliseconds. 1% resolution.
    /// </summary>
    public uint WeightScale { get; init; } = 100;
    /// <summary>Share changes smaller than this are not handed to librist.</summary>
    public double MinShareChange { get; init; } = 0.03;

    public double MinBitrateBps { get; init; } = 500_000;
    public double MaxBitrateBps { get; init; } = 20_000_000;
    /// <summary>
    /// The recommendation rises at most this much per second: the links' estimates grow slower than that while they
    /// probe, so this only paces the climb back after a cut, which an encoder takes without a visible step.
    /// </summary>
    public double IncreasePerSecond { get; init; } = 0.5;
    /// <summary>Changes of the recommendation smaller than this (relative) are not announced as events.</summary>
    public double EventThreshold { get; init; } = 0.03;
}
