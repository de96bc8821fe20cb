using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest.Pacing;

/// <summary>
/// Smooths the stream before it reaches the links: datagrams from the source go into a queue allocated once, and
/// the pacer's own thread hands them on at the pacing rate (<see cref="PacingSchedule"/>: the source's bit rate ×
/// the peak factor, never holding one longer than the latency budget). A keyframe, a muxer's burst of tables or an
/// external encoder's bunching leaves spread out, whatever frame it belongs to.
/// <para>
/// One producer (the input's thread, <see cref="Send"/>) and one consumer (<see cref="Run"/>): the queue is a ring
/// whose two indices each side publishes with a volatile write, so neither takes a lock and nothing is allocated
/// per datagram. When the ring is full the producer waits (the budget's worth of the highest bit rate, twice
/// over, fits), which only a source far above the rate it was sized for can cause.
/// </para>
/// </summary>
public sealed class StreamPacer : IDatagramSink
{
    const int Bits = TsPacket.DatagramSize * 8;
    /// <summary>How long the consumer sleeps when the queue is empty: the latency a datagram arriving then may get.</summary>
    const long IdlePollNanos = 1_000_000;

    readonly IDatagramSink _next;
    readonly IPacingClock _clock;
    readonly PacingSchedule _schedule;
    readonly byte[] _slots;
    readonly long[] _arrivals;
    readonly int _capacity;
    long _head; // next to send: written by the consumer only
    long _tail; // next to fill: written by the producer only
    long _sourceRateBps;
    long _bytesOut;
    long _lateDatagrams;
    long _longestWaitNanos;

    public StreamPacer(IDatagramSink next, PacerOptions options, long maxBitrateBps, long initialRateBps, IPacingClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        Options = options.Checked();
        _clock = clock ?? SystemPacingClock.Instance;
        _schedule = new PacingSchedule(options);
        _capacity = options.QueueSlotsFor(maxBitrateBps);
        _slots = new byte[_capacity * TsPacket.DatagramSize];
        _arrivals = new long[_capacity];
        SourceRateBps = initialRateBps;
    }

    public PacerOptions Options { get; }

    /// <summary>Datagrams the queue holds.</summary>
    public int Capacity => _capacity;

    /// <summary>
    /// The source's bit rate the pacing follows (what the encoder was told, or what an external input carries): any
    /// thread; the pacer takes it at its next datagram.
    /// </summary>
    public long SourceRateBps
    {
        get => Volatile.Read(ref _sourceRateBps);
        set => Volatile.Write(ref _sourceRateBps, Math.Max(1000, value));
    }

    /// <summary>Datagrams waiting now.</summary>
    public int Queued => (int)(Volatile.Read(ref _tail) - Volatile.Read(ref _head));

    /// <summary>Bytes handed on since start.</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>Datagrams that left on the latency budget rather than the rate (the source ran above its rate for longer than the budget).</summary>
    public long LateDatagrams => Interlocked.Read(ref _lateDatagrams);

    /// <summary>The longest a datagram waited since the last call, in ns; resets it.</summary>
    public long TakeLongestWaitNanos() => Interlocked.Exchange(ref _longestWaitNanos, 0);

    /// <summary>Queues one datagram (the producer's side). Waits while the queue is full.</summary>
    public void Send(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length != TsPacket.DatagramSize)
            throw new ArgumentException($"a datagram is {TsPacket.DatagramSize} bytes, not {datagram.Length}", nameof(datagram));
        long tail = _tail;
        while (tail - Volatile.Read(ref _head) >= _capacity)
            Thread.Sleep(1);
        int slot = (int)(tail % _capacity);
        datagram.CopyTo(_slots.AsSpan(slot * TsPacket.DatagramSize, TsPacket.DatagramSize));
        _arrivals[slot] = _clock.NowNanos;
        Volatile.Write(ref _tail, tail + 1);
    }

    /// <summary>
    /// The pacer's loop (the consumer's side), on its own thread until cancelled; what is still queued then is
    /// handed on at once, so nothing the source produced is lost.
    /// </summary>
    public void Run(CancellationToken cancellation)
    {
        RunUntil(long.MaxValue, cancellation);
        Flush();
    }

    /// <summary>
    /// The loop until the clock reaches <paramref name="untilNanos"/> or the token is cancelled: <see cref="Run"/>'s
    /// body, and on a simulated clock a test's way to interleave the producer and the pacer on one thread.
    /// </summary>
    public void RunUntil(long untilNanos, CancellationToken cancellation)
    {
        long appliedRate = 0;
        while (!cancellation.IsCancellationRequested)
        {
            long now = _clock.NowNanos;
            if (now >= untilNanos)
                return;
            long rate = SourceRateBps;
            if (rate != appliedRate)
                _schedule.SetSourceRate(appliedRate = rate, now);
            long head = _head;
            if (head == Volatile.Read(ref _tail))
            {
                _clock.SleepUntil(Math.Min(now + IdlePollNanos, untilNanos));
                continue;
            }
            int slot = (int)(head % _capacity);
            long arrival = _arrivals[slot];
            long due = _schedule.DueNanos(arrival, Bits, now);
            if (due > now)
            {
                _clock.SleepUntil(Math.Min(due, untilNanos));
                continue;
            }
            if (_schedule.Sent(arrival, Bits, now))
                Interlocked.Increment(ref _lateDatagrams);
            Hand(slot, head, now - arrival);
        }
    }

    /// <summary>Hands on everything still queued, unpaced (the end of the stream).</summary>
    public void Flush()
    {
        long head = _head;
        while (head != Volatile.Read(ref _tail))
        {
            int slot = (int)(head % _capacity);
            Hand(slot, head, _clock.NowNanos - _arrivals[slot]);
            head = _head;
        }
    }

    void Hand(int slot, long head, long waitedNanos)
    {
        _next.Send(_slots.AsSpan(slot * TsPacket.DatagramSize, TsPacket.DatagramSize));
        Volatile.Write(ref _head, head + 1);
        Interlocked.Add(ref _bytesOut, TsPacket.DatagramSize);
        long longest = Volatile.Read(ref _longestWaitNanos);
        if (waitedNanos > longest)
            Interlocked.CompareExchange(ref _longestWaitNanos, waitedNanos, longest);
    }
}
