namespace Ristbond.Ingest.Pacing;

/// <summary>
/// The tunables of <see cref="StreamPacer"/>: what makes the stream smooth by construction (README, "Pacing").
/// </summary>
public sealed record PacerOptions
{
    public const int MinLatencyBudgetMs = 20;
    public const int MaxLatencyBudgetMs = 2000;

    /// <summary>
    /// The longest a datagram may wait in the pacer. Past it, it leaves whatever the rate says: the budget is a hard
    /// bound on the delay the pacer adds, the rate a soft one. The video encoder's VBV buffer is sized to the same
    /// budget, so an encoder keeping to its VBV never makes the pacer hold a datagram this long. 200 ms is six frames
    /// at 30 fps: room to spread a large frame, small beside a receiver's 1000 ms recovery buffer.
    /// </summary>
    public int LatencyBudgetMs { get; init; } = 200;

    /// <summary>
    /// The pacing rate over the source's bit rate. It bounds the peak rate the links see: at most this many times
    /// the mean over any window longer than <see cref="BucketMs"/>. Above 1 so that a queue the encoder's rate
    /// variation built drains (at 1.0 it would never catch up), small so that a link sized to its share of the
    /// mean is overloaded by at most this much for at most the budget.
    /// </summary>
    public double PeakFactor { get; init; } = 1.25;

    /// <summary>
    /// The bucket's depth, in milliseconds of the pacing rate: how much may leave back to back after a pause. A
    /// few datagrams, so that sleeping granularity does not slow the stream, and no more, so that an idle moment
    /// does not become a burst.
    /// </summary>
    public double BucketMs { get; init; } = 2;

    /// <summary>The most datagrams the pacer holds (the producer waits when it is full); sized from the highest bit rate.</summary>
    public int MaxQueuedDatagrams { get; init; } = 8192;

    /// <summary>Queue slots for a source of at most <paramref name="maxBitrateBps"/>: the budget at the peak rate, twice over.</summary>
    public int QueueSlotsFor(long maxBitrateBps)
    {
        double datagrams = maxBitrateBps * PeakFactor * LatencyBudgetMs / 1000.0 / (MpegTs.TsPacket.DatagramSize * 8) * 2;
        return (int)Math.Clamp(Math.Ceiling(datagrams), 64, MaxQueuedDatagrams);
    }

    /// <summary>Throws naming the option when a value is out of its range.</summary>
    public PacerOptions Checked()
    {
        if (LatencyBudgetMs is < MinLatencyBudgetMs or > MaxLatencyBudgetMs)
            throw new Platform.RistbondException($"--latency-budget {LatencyBudgetMs} ms: give {MinLatencyBudgetMs}..{MaxLatencyBudgetMs} ms");
        if (PeakFactor is < 1.0 or > 4.0 || BucketMs is <= 0 or > 100 || MaxQueuedDatagrams < 64)
            throw new ArgumentException("pacer: peak factor 1..4, bucket 0..100 ms, at least 64 queue slots");
        return this;
    }
}
