using System.Numerics;

namespace Ristbond.LinkEmulator;

/// <summary>
/// The packets of one direction waiting for their departure time: a single-producer (receive loop),
/// single-consumer (send loop) FIFO with no lock and no allocation after construction. A FIFO suffices because
/// <see cref="ImpairmentModel"/> never hands out a departure earlier than the previous one.
///
/// Datagrams are copied back to back into one byte arena; one that would straddle the arena's end starts
/// again at offset 0, and the skipped tail is freed with it. Positions are 64-bit counters that only grow, so
/// "used" is always write − read and there is no full/empty ambiguity.
/// </summary>
internal sealed class DelayLine
{
    readonly byte[] _arena;
    readonly int _arenaMask;
    readonly long[] _departureNanos;
    readonly int[] _offset;
    readonly int[] _length;
    readonly long[] _endPosition;
    readonly int _slotMask;

    // Producer-owned; published with Volatile.Write after the slot is filled.
    long _enqueued;
    long _writePosition;

    // Consumer-owned; published with Volatile.Write after the slot is no longer read.
    long _dequeued;
    long _readPosition;

    /// <param name="arenaBytes">Bytes of datagrams in flight; rounded up to a power of two.</param>
    /// <param name="slots">Datagrams in flight; rounded up to a power of two.</param>
    public DelayLine(int arenaBytes, int slots)
    {
        arenaBytes = (int)BitOperations.RoundUpToPowerOf2((uint)arenaBytes);
        slots = (int)BitOperations.RoundUpToPowerOf2((uint)slots);
        _arena = GC.AllocateUninitializedArray<byte>(arenaBytes);
        _arenaMask = arenaBytes - 1;
        _departureNanos = new long[slots];
        _offset = new int[slots];
        _length = new int[slots];
        _endPosition = new long[slots];
        _slotMask = slots - 1;
    }

    public int Count => (int)(Volatile.Read(ref _enqueued) - Volatile.Read(ref _dequeued));

    public bool IsEmpty => Volatile.Read(ref _enqueued) == Volatile.Read(ref _dequeued);

    // ---- producer side ---------------------------------------------------------------------------------

    /// <summary>Whether <see cref="Enqueue"/> of <paramref name="length"/> bytes will succeed. Only the consumer
    /// frees space, so a true answer stays true until the producer enqueues.</summary>
    public bool HasRoom(int length)
    {
        if (_enqueued - Volatile.Read(ref _dequeued) > _slotMask)
            return false;
        long start = PlacementOf(length);
        return start + length - Volatile.Read(ref _readPosition) <= _arena.Length;
    }

    /// <summary>Copies the datagram in; the caller checked <see cref="HasRoom"/>.</summary>
    public void Enqueue(ReadOnlySpan<byte> datagram, long departureNanos)
    {
        long start = PlacementOf(datagram.Length);
        int offset = (int)(start & _arenaMask);
        datagram.CopyTo(_arena.AsSpan(offset, datagram.Length));

        int slot = (int)(_enqueued & _slotMask);
        _departureNanos[slot] = departureNanos;
        _offset[slot] = offset;
        _length[slot] = datagram.Length;
        _endPosition[slot] = start + datagram.Length;
        _writePosition = start + datagram.Length;
        Volatile.Write(ref _enqueued, _enqueued + 1);
    }

    long PlacementOf(int length)
    {
        long offset = _writePosition & _arenaMask;
        return offset + length > _arena.Length ? _writePosition + (_arena.Length - offset) : _writePosition;
    }

    // ---- consumer side ---------------------------------------------------------------------------------

    /// <summary>The departure time of the oldest datagram, if there is one.</summary>
    public bool TryPeek(out long departureNanos)
    {
        if (_dequeued == Volatile.Read(ref _enqueued))
        {
            departureNanos = 0;
            return false;
        }
        departureNanos = _departureNanos[(int)(_dequeued & _slotMask)];
        return true;
    }

    /// <summary>The oldest datagram's bytes; valid until <see cref="Dequeue"/>.</summary>
    public ReadOnlySpan<byte> PeekDatagram()
    {
        int slot = (int)(_dequeued & _slotMask);
        return _arena.AsSpan(_offset[slot], _length[slot]);
    }

    public void Dequeue()
    {
        int slot = (int)(_dequeued & _slotMask);
        Volatile.Write(ref _readPosition, _endPosition[slot]);
        Volatile.Write(ref _dequeued, _dequeued + 1);
    }
}
