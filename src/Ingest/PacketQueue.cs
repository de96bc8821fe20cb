using Ristbond.MpegTs;

namespace Ristbond.Ingest;

/// <summary>A FIFO of TS packets with their stream positions, in one buffer allocated once: the read-ahead of a file.</summary>
internal sealed class PacketQueue(int capacityBytes)
{
    readonly byte[] _packets = new byte[capacityBytes / TsPacket.Size * TsPacket.Size];
    readonly long[] _positions = new long[capacityBytes / TsPacket.Size];
    int _head;
    int _count;

    public int Count => _count;
    public bool IsFull => _count == _positions.Length;

    public void Enqueue(long position, ReadOnlySpan<byte> packet)
    {
        if (IsFull)
            throw new InvalidOperationException("packet queue is full");
        int slot = (_head + _count) % _positions.Length;
        packet.CopyTo(_packets.AsSpan(slot * TsPacket.Size, TsPacket.Size));
        _positions[slot] = position;
        _count++;
    }

    public (long Position, ReadOnlyMemory<byte> Packet) Peek() =>
        (_positions[_head], _packets.AsMemory(_head * TsPacket.Size, TsPacket.Size));

    public void Dequeue()
    {
        _head = (_head + 1) % _positions.Length;
        _count--;
    }
}
