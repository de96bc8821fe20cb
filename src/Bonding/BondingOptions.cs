namespace Ristbond.Bonding;

/// <summary>
/// Every tunable of the bonding control logic in one place, with the reason for its value. Times are in
/// nanoseconds of the monotonic clock, rates in bits per second of TS payload.
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

    // --- Liveness -----------------------------------------------------------------------------------------
    /// <summary>
    /// RTCP silence after which a link is dead. A receiver answers each of our keepalives (every 10 ms): 150 ms is
    /// 15 answers missing in a row, far past a lost burst or an LTE handover (30–60 ms), and leaves room in the
    /// 500 ms goal for the return trip, the stats interval and the tick (at 300 ms the link left in 0.5–0.6 s, at
    /// 200 ms in 0.5 s, bench adapt). A link declared dead on a longer stall comes back through probing as soon as
    /// it answers, and flap damping bounds how often.
    /// </summary>
    public long DeadAfterNanos { get; init; } = 150 * Ms;
    /// <summary>How long a link that has just come (back) to life carries only a trial share.</summary>
    public long ProbingNanos { get; init; } = 1 * S;
    /// <summary>The largest share of the stream a probing link gets.</summary>
    public double ProbingShare { get; init; } = 0.15;

    // --- RTT and queueing delay ---------------------------------------------------------------------------
    /// <summary>EWMA weight of each new RTT sample for the displayed smoothed RTT (TCP's 1/8).</summary>
    public double RttAlpha { get; init; } = 0.125;
    /// <summary>The base RTT is the minimum over this window, so a route change is adopted after it.</summary>
    public long MinRttWindowNanos { get; init; } = 10 * S;
    /// <summary>Queueing delay under which a link is known not to be saturated at its current rate; above it a queue that keeps building means it is.</summary>
    public double QueueLowMs { get; init; } = 20;
    /// <summary>Queueing delay above which a link's health starts to fall.</summary>
    public double QueueHighMs { get; init; } = 40;
    /// <summary>Queueing delay above which the link is overloaded whatever the trend: drain it.</summary>
    public double QueueMaxMs { get; init; } = 100;
    /// <summary>RTT (base + queue) at which health reaches 0: beyond it retransmissions cannot arrive within the receiver's buffer.</summary>
    public double RttLimitMs { get; init; } = 600;

    // --- Capacity -----------------------------------------------------------------------------------------
    /// <summary>Capacity assumed for a link before anything is known about it.</summary>
    public double InitialCapacityBps { get; init; } = 1_000_000;
    public double MinCapacityBps { get; init; } = 100_000;
    /// <summary>How far above the rate a link has carried without queueing its estimate may go: the probe.</summary>
    public double ProbeGain { get; init; } = 1.25;
    /// <summary>
    /// How far above what it verified a link that has found its capacity is sized in the split (its probe there;
    /// its estimate may still run to <see cref="ProbeGain"/>). librist hands a link its share in bursts of a round,
    /// and at the full probe gain the link whose estimate ran furthest ahead took the share of one just cut and filled
    /// in turn: the links cut each other in a cycle and the stream averaged 89–91% of their sum (bench adapt,
    /// aggregation); at 1.1, 92–93.5%.
    /// </summary>
    public double ShareProbeGain { get; init; } = 1.10;
    /// <summary>The probe gain of a link that has never been congested yet: discovery starts fast.</summary>
    public double SlowStartGain { get; init; } = 1.5;
    /// <summary>A link just added counts at its prior capacity this long while it connects, so start-up is not taken for congestion.</summary>
    public long ConnectGraceNanos { get; init; } = 2 * S;
    /// <summary>How fast an unsaturated link's estimate grows toward its probe ceiling: at most this per second …</summary>
    public double ProbeGrowthPerSecond { get; init; } = 0.5;
    /// <summary>… and this per round trip, so a long-RTT link, which sees an overload later, overshoots no more.</summary>
    public double ProbeGrowthPerRoundTrip { get; init; } = 0.05;
    /// <summary>
    /// The largest cut for a queue that is building but not yet standing (under <see cref="QueueMaxMs"/>): the
    /// growth rate a trend gives over a few samples overstates it, and deep cuts of a link that is only just full
    /// make the bitrate saw-tooth well under capacity. A queue that keeps building is cut again a moment later.
    /// </summary>
    public double MildCutMax { get; init; } = 0.05;
    /// <summary>After a capacity cut, the next one waits this long, for the queue to show the effect of the first.</summary>
    public long CutIntervalNanos { get; init; } = 500 * Ms;
    /// <summary>After a link saturates, its estimate does not grow for this long.</summary>
    public long HoldAfterCongestionNanos { get; init; } = 1 * S;
    /// <summary>What was verified fades by this much per second, so an old high estimate does not outlive the evidence.</summary>
    public double VerifiedDecayPerSecond { get; init; } = 0.01;

    // --- Loss ---------------------------------------------------------------------------------------------
    /// <summary>
    /// Time constant of the filter on each link's attributed loss. Retransmissions already come a reorder buffer and
    /// a round trip after the loss, and where they belong a keepalive window later: at 250 ms the share of a link
    /// that began to lose 5% halved in 0.85–1.05 s, at 150 ms in 0.6–0.65 s (bench adapt, loss).
    /// </summary>
    public long LossTimeConstantNanos { get; init; } = 150 * Ms;
    /// <summary>
    /// Round-trip loss under this is counting noise, not a link problem: about 1.7σ of the answer counts over
    /// the filter's span at 100 keepalives/s with 2% loss on every link.
    /// </summary>
    public double LossDeadband { get; init; } = 0.04;
    /// <summary>Loss at which health starts to fall off steeply, and at which it reaches 0.</summary>
    public double LossSoft { get; init; } = 0.005;
    public double LossLimit { get; init; } = 0.06;
    /// <summary>
    /// After a link is declared dead, the retransmissions of what it lost in its silence keep coming for about a
    /// receiver buffer (the NACKs wait out the reorder buffer, then come back over the other links): for this
    /// long they are the dead link's loss, not the other links' nor the stream's.
    /// </summary>
    public long DeadLinkRetransmitNanos { get; init; } = 1200 * Ms;
    /// <summary>
    /// After a link's health falls and it sheds its share, this long the others count only what they have proven:
    /// they take its part at once, and by then their queues show whether they carry it. Not for as long as the
    /// link stays poor: a marginal link held degraded has nothing left to shed, and counting the others at their
    /// proven rate while it flapped kept the bitrate under what they had proven, which then faded with it, 1% a
    /// second for as long as the flapping lasted (bench adapt, flapping).
    /// </summary>
    public long TakeOverNanos { get; init; } = 1 * S;
    /// <summary>Part of the survivors' capacity kept free for those retransmissions while they come.</summary>
    public double DeadLinkBurstAllowance { get; init; } = 0.25;
    /// <summary>Retransmitted ÷ sent over all links above which the bitrate comes down, wherever the loss is.</summary>
    public double AggregateLossLimit { get; init; } = 0.05;

    // --- States and weights -------------------------------------------------------------------------------
    /// <summary>Health below which a link is degraded (after <see cref="DegradeAfterNanos"/>), and above which it recovers (after <see cref="RecoverAfterNanos"/>).</summary>
    public double DegradedBelow { get; init; } = 0.5;
    public double RecoveredAbove { get; init; } = 0.75;
    public long DegradeAfterNanos { get; init; } = 300 * Ms;
    public long RecoverAfterNanos { get; init; } = 2 * S;
    /// <summary>
    /// A fall of health from above <see cref="RecoveredAbove"/> to below this is a dip: it counts toward flap damping.
    /// 0.7 counts a link whose delay jumps by 80 ms (its share cut by a third) as dipping; at 0.6 such a link won its
    /// share back half a second after each bad moment and lost it again at the next.
    /// </summary>
    public double DipBelow { get; init; } = 0.7;
    /// <summary>Flap damping: each dip of health or death adds 1; the penalty halves every this long; at 3 or more (a dip every few seconds) the link is degraded and held there.</summary>
    public long FlapHalfLifeNanos { get; init; } = 15 * S;
    public double FlapHoldPenalty { get; init; } = 3;
    /// <summary>A link's weight follows its health up only once the health has held this long (down at once).</summary>
    public long HealthRiseDelayNanos { get; init; } = 500 * Ms;
    /// <summary>… and this long for a link that dipped within the last flap half-life: at most one reversal per this time.</summary>
    public long HealthRiseAfterDipNanos { get; init; } = 5 * S;
    /// <summary>
    /// librist weight units for a whole stream; a link out of rotation gets weight 1 (0 would mean "copy
    /// everything"). librist 0.2.x gives each packet to the peer with the most credit left in the round and
    /// refills credits only when the round (the sum of weights) is spent, so the heaviest link takes the whole
    /// stream for (its weight − the next weight) packets at the start of every round. A round of about 100
    /// packets keeps those bursts to tens of milliseconds; with 1000 they lasted long enough to overflow a
    /// cellular queue while the average split was right (measured). 1% resolution.
    /// </summary>
    public uint WeightScale { get; init; } = 100;
    /// <summary>Share changes smaller than this are not handed to librist.</summary>
    public double MinShareChange { get; init; } = 0.03;

    // --- Rate control -------------------------------------------------------------------------------------
    public double MinBitrateBps { get; init; } = 500_000;
    public double MaxBitrateBps { get; init; } = 20_000_000;
    /// <summary>The recommendation stays this far under the usable capacity (retransmissions, estimation error).</summary>
    public double Headroom { get; init; } = 0.03;
    /// <summary>
    /// Part of the lowest-RTT link's capacity kept for retransmissions: the receiver sends every NACK there, so a
    /// loss burst on any link comes back as a burst of retransmissions on that one.
    /// </summary>
    public double RetransmitReserve { get; init; } = 0.10;
    /// <summary>Cautious increase: at most this much more per second.</summary>
    public double IncreasePerSecond { get; init; } = 0.10;
    /// <summary>How far past what the links have proven (carried without queueing) the recommendation may go: its probe.</summary>
    public double ProbeAboveProven { get; init; } = 0.10;
    /// <summary>
    /// … and this far while a link in rotation has not found its capacity yet (never congested): the recommendation
    /// can only climb as fast as the links verify it, about once a round trip and a stats window, so at 10% per
    /// step the heterogeneous links of bench adapt took 20 s to fill. Links that have found theirs are not pushed
    /// past it by this: shares follow the estimates, and the recommendation stays under their sum by the headroom.
    /// </summary>
    public double DiscoveryProbeAboveProven { get; init; } = 0.25;
    /// <summary>The climb back to what the links have proven (after an outage or a transient): up to this much more per second.</summary>
    public double RecoveryPerSecond { get; init; } = 1.0;
    /// <summary>No increase for this long after a decrease …</summary>
    public long HoldAfterDecreaseNanos { get; init; } = 1 * S;
    /// <summary>… larger than this (relative).</summary>
    public double SmallDecrease { get; init; } = 0.08;
    /// <summary>Changes of the recommendation smaller than this (relative) are not announced as events.</summary>
    public double EventThreshold { get; init; } = 0.03;
}
