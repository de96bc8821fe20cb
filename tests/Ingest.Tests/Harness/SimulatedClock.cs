using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest.Tests.Harness;

/// <summary>
/// Simulated monotonic time for paced loops: sleeping moves the clock to the deadline at once, nothing else moves
/// it. A fake of our own because a test of pacing must not depend on how busy the machine is.
/// </summary>
public sealed class SimulatedClock(long startNanos = 1_000_000_000) : IPacingClock
{
    public long NowNanos { get; private set; } = startNanos;

    public void SleepUntil(long deadlineNanos) => NowNanos = Math.Max(NowNanos, deadlineNanos);

    public void Advance(long nanos) => NowNanos += nanos;
}

/// <summary>Keeps every datagram with the simulated time it was handed over at.</summary>
public sealed class SimulatedTimeSink(SimulatedClock clock) : IDatagramSink
{
    public List<(long Nanos, byte[] Datagram)> Datagrams { get; } = [];

    public void Send(ReadOnlySpan<byte> datagram) => Datagrams.Add((clock.NowNanos, datagram.ToArray()));

    public byte[] Stream() => [.. Datagrams.SelectMany(d => d.Datagram)];
}

/// <summary>Counts bytes only: a sink that allocates nothing, for allocation tests.</summary>
public sealed class CountingSink : IDatagramSink
{
    public long Bytes { get; private set; }

    public void Send(ReadOnlySpan<byte> datagram) => Bytes += datagram.Length;
}
