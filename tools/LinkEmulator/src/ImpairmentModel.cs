using Ristbond.Platform;

namespace Ristbond.LinkEmulator;

/// <summary>What happens to a packet, decided once, when it arrives.</summary>
internal enum PacketFate : byte
{
    Forward,
    Lost,
    DroppedQueue,
    DroppedBlackout,
    DroppedOther,
}

/// <summary>
/// The whole impairment of one direction as a pure function of (arrival time, size, blackout, profile, random
/// draws): it returns each packet's fate and, for survivors, its departure time. No I/O, no clock of its own,
/// so tests drive it with made-up times. Single writer: the direction's receive loop.
///
/// Per packet, in this order:
///   1. four random draws, always, whatever the profile and the outcome (so the n-th packet meets the n-th
///      draws on every run, even when a blackout, a full queue or a live profile change intervenes);
///   2. the Gilbert-Elliott chain steps once;
///   3. blackout → dropped; Bernoulli or burst loss → lost (before the queue, as netem does: a lost packet
///      uses no capacity);
///   4. rate: the packet waits behind the bytes not yet serialized; if they and it exceed the queue limit it is
///      tail-dropped (an idle link always takes one packet, so a queue smaller than a packet cannot blackhole);
///   5. delay + uniform jitter, clipped at 0, then departure = max(that, previous departure): a late packet
///      holds up the ones behind it, as on a cellular bearer, so packets are never reordered.
/// A profile change applies to packets arriving after it; packets already scheduled keep their times.
/// </summary>
internal sealed class ImpairmentModel
{
    const double NanosPerMs = 1e6;

    DirectionProfile _profile;
    LinkRandom _random;
    bool _burstBad;
    long _serializerFreeAtNanos;    // monotonic times are > 0, so 0 means "idle since boot"
    long _lastDepartureNanos = long.MinValue;

    public ImpairmentModel(DirectionProfile profile, ulong seed, string linkName, Direction direction)
    {
        _profile = profile;
        _random = new LinkRandom(seed, linkName, direction);
    }

    /// <summary>Swapped whole by any thread; the receive loop reads it once per packet.</summary>
    public DirectionProfile Profile
    {
        get => Volatile.Read(ref _profile);
        set => Volatile.Write(ref _profile, value);
    }

    /// <summary>Queueing delay a packet arriving at <paramref name="nowNanos"/> would see; readable from any thread.</summary>
    public double QueueDelayMs(long nowNanos)
    {
        long freeAt = Volatile.Read(ref _serializerFreeAtNanos);
        return freeAt > nowNanos ? (freeAt - nowNanos) / NanosPerMs : 0;
    }

    /// <param name="nowNanos">Arrival time on the monotonic clock.</param>
    /// <param name="payloadBytes">UDP payload size; <see cref="DirectionProfile.IpUdpOverheadBytes"/> is added here.</param>
    /// <param name="blackout">The link is blacked out at arrival.</param>
    /// <param name="noRoom">The delay line cannot hold the packet (the emulator is overloaded).</param>
    /// <param name="departureNanos">When a forwarded packet must leave; 0 otherwise.</param>
    public PacketFate Admit(long nowNanos, int payloadBytes, bool blackout, bool noRoom, out long departureNanos)
    {
        departureNanos = 0;
        DirectionProfile profile = Profile;

        double lossDraw = _random.NextDouble();
        double stepDraw = _random.NextDouble();
        double burstLossDraw = _random.NextDouble();
        double jitterDraw = _random.NextDouble();

        bool burstLost = false;
        if (profile.Burst is { } ge)
        {
            _burstBad = _burstBad ? stepDraw >= ge.R : stepDraw < ge.P;
            burstLost = burstLossDraw < (_burstBad ? ge.LossBad : ge.LossGood);
        }

        if (blackout)
            return PacketFate.DroppedBlackout;
        if (lossDraw < profile.Loss || burstLost)
            return PacketFate.Lost;
        if (noRoom)
            return PacketFate.DroppedOther;

        long serializedAt = nowNanos;
        if (profile.RateBps > 0)
        {
            long wireBytes = payloadBytes + DirectionProfile.IpUdpOverheadBytes;
            long start = nowNanos;
            long backlogNanos = _serializerFreeAtNanos - nowNanos;
            if (backlogNanos > 0)
            {
                double backlogBytes = backlogNanos * (profile.RateBps / 8e9);
                if (backlogBytes + wireBytes > profile.QueueLimitBytes)
                    return PacketFate.DroppedQueue;
                start = _serializerFreeAtNanos;
            }
            serializedAt = start + SerializationNanos(wireBytes, profile.RateBps);
            Volatile.Write(ref _serializerFreeAtNanos, serializedAt);
        }

        double delayMs = profile.DelayMs + (2 * jitterDraw - 1) * profile.JitterMs;
        long departure = serializedAt + (long)(Math.Max(0, delayMs) * NanosPerMs);
        if (departure < _lastDepartureNanos)
            departure = _lastDepartureNanos;
        _lastDepartureNanos = departure;
        departureNanos = departure;
        return PacketFate.Forward;
    }

    /// <summary>Time to put <paramref name="bytes"/> on a wire of <paramref name="bitsPerSecond"/>, rounded to the nearest ns.</summary>
    internal static long SerializationNanos(long bytes, long bitsPerSecond) =>
        (bytes * 8 * MonotonicClock.NanosPerSecond + bitsPerSecond / 2) / bitsPerSecond;
}
