namespace Ristbond.LinkEmulator;

/// <summary>
/// A snapshot of one direction of one link, cumulative since the link started. Every packet that came in
/// ends up in exactly one of Forwarded, Lost, DroppedQueue, DroppedBlackout, DroppedOther, or is still in
/// flight (in the queue or the delay line).
/// </summary>
/// <param name="PacketsIn">Datagrams received from the sending side.</param>
/// <param name="BytesIn">Their UDP payload bytes.</param>
/// <param name="PacketsForwarded">Datagrams sent on to the far side.</param>
/// <param name="BytesForwarded">Their UDP payload bytes.</param>
/// <param name="PacketsLost">Dropped by the random loss models (Bernoulli or Gilbert-Elliott).</param>
/// <param name="PacketsDroppedQueue">Tail-dropped because the rate queue was full.</param>
/// <param name="PacketsDroppedBlackout">Dropped by a blackout, on arrival or when due to leave.</param>
/// <param name="PacketsDroppedOther">Dropped by the emulator itself: delay line full, no client address
/// known yet (down direction), or the send failed. Non-zero means the emulation was not faithful.</param>
/// <param name="QueueDelayMs">Queueing delay a packet arriving now would see before its serialization ends.</param>
public readonly record struct LinkCounters(
    long PacketsIn,
    long BytesIn,
    long PacketsForwarded,
    long BytesForwarded,
    long PacketsLost,
    long PacketsDroppedQueue,
    long PacketsDroppedBlackout,
    long PacketsDroppedOther,
    double QueueDelayMs);

/// <summary>
/// The live counters behind <see cref="LinkCounters"/>. The receive loop and the send loop of a direction both
/// write (blackout drops happen on either side), so every update is Interlocked; readers take a snapshot.
/// </summary>
internal sealed class DirectionCounters
{
    long _packetsIn, _bytesIn, _packetsForwarded, _bytesForwarded;
    long _lost, _droppedQueue, _droppedBlackout, _droppedOther;

    public void CountIn(int bytes)
    {
        Interlocked.Increment(ref _packetsIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    public void CountForwarded(int bytes)
    {
        Interlocked.Increment(ref _packetsForwarded);
        Interlocked.Add(ref _bytesForwarded, bytes);
    }

    public void Count(PacketFate fate)
    {
        switch (fate)
        {
            case PacketFate.Lost: Interlocked.Increment(ref _lost); break;
            case PacketFate.DroppedQueue: Interlocked.Increment(ref _droppedQueue); break;
            case PacketFate.DroppedBlackout: Interlocked.Increment(ref _droppedBlackout); break;
            case PacketFate.DroppedOther: Interlocked.Increment(ref _droppedOther); break;
        }
    }

    public LinkCounters Snapshot(double queueDelayMs) => new(
        Interlocked.Read(ref _packetsIn),
        Interlocked.Read(ref _bytesIn),
        Interlocked.Read(ref _packetsForwarded),
        Interlocked.Read(ref _bytesForwarded),
        Interlocked.Read(ref _lost),
        Interlocked.Read(ref _droppedQueue),
        Interlocked.Read(ref _droppedBlackout),
        Interlocked.Read(ref _droppedOther),
        queueDelayMs);
}
