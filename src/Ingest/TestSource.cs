using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest;

/// <summary>
/// The built-in test stream (<see cref="TestPatternGenerator"/>) sent at a bit rate that can be changed while it
/// runs, the way an encoder follows a rate controller. Datagrams are spaced evenly on the monotonic clock.
/// </summary>
public sealed class TestSource(long bitrateBps) : TsSource, IBitrateFollower
{
    public const long MinBitrateBps = 100_000;
    public const long MaxBitrateBps = 1_000_000_000;
    /// <summary>Further behind schedule than this (a stalled process), the schedule restarts instead of bursting.</summary>
    const long MaxLagNanos = 200_000_000;

    long _bitrateBps = CheckBitrate(bitrateBps);

    public override string Name => "testsrc";

    public long BitrateBps
    {
        get => Interlocked.Read(ref _bitrateBps);
        set => Interlocked.Exchange(ref _bitrateBps, CheckBitrate(value));
    }

    public void FollowBitrate(long bitsPerSecond) => BitrateBps = Math.Clamp(bitsPerSecond, MinBitrateBps, MaxBitrateBps);

    public override void Run(IDatagramSink sink, CancellationToken cancellation)
    {
        DatagramFramer framer = CreateFramer(sink);
        var generator = new TestPatternGenerator();
        byte[] datagram = new byte[TsPacket.DatagramSize];
        long due = MonotonicClock.NowNanos;
        while (!cancellation.IsCancellationRequested)
        {
            due += TsPacket.DatagramSize * 8 * MonotonicClock.NanosPerSecond / BitrateBps;
            long now = MonotonicClock.NowNanos;
            if (now - due > MaxLagNanos)
                due = now;
            MonotonicClock.SleepUntil(due);
            generator.WriteDatagram(datagram, MonotonicClock.NowNanos);
            framer.PushPackets(datagram);
            CountBytes(datagram.Length);
        }
    }

    static long CheckBitrate(long bps) =>
        bps is >= MinBitrateBps and <= MaxBitrateBps
            ? bps
            : throw new RistbondException($"testsrc bit rate {Units.FormatBitrate(bps)} is outside {Units.FormatBitrate(MinBitrateBps)}..{Units.FormatBitrate(MaxBitrateBps)}");
}
