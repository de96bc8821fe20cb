namespace Ristbond.MpegTs;

/// <summary>
/// Turns TS packets arriving in any grouping into datagrams of exactly 7×188 bytes. A packet whose first byte is
/// not the sync byte is dropped and counted; a partial datagram can be flushed (padded with null packets) when
/// the input goes quiet, so a short pause does not hold packets back. One writer thread; counters readable anywhere.
/// </summary>
public sealed class DatagramFramer(IDatagramSink sink)
{
    readonly byte[] _datagram = new byte[TsPacket.DatagramSize];
    int _filled;
    long _packets;
    long _syncErrors;
    long _datagrams;
    int _nullContinuity;

    public long Packets => Interlocked.Read(ref _packets);
    public long SyncErrors => Interlocked.Read(ref _syncErrors);
    public long Datagrams => Interlocked.Read(ref _datagrams);

    /// <summary>
    /// Takes a buffer that should hold whole TS packets back to back (a UDP datagram, an aligned file block).
    /// Returns the packets taken and the 188-byte slots rejected for lacking the sync byte (a trailing partial
    /// packet counts as one rejected slot).
    /// </summary>
    public (int Accepted, int Rejected) PushPackets(ReadOnlySpan<byte> data)
    {
        int accepted = 0;
        int rejected = 0;
        while (data.Length >= TsPacket.Size)
        {
            if (data[0] == TsPacket.SyncByte)
            {
                Append(data[..TsPacket.Size]);
                accepted++;
            }
            else
            {
                rejected++;
            }
            data = data[TsPacket.Size..];
        }
        if (!data.IsEmpty)
            rejected++;
        if (rejected > 0)
            Interlocked.Add(ref _syncErrors, rejected);
        return (accepted, rejected);
    }

    /// <summary>Packets waiting in the partial datagram; the next push that brings it to 7 sends it.</summary>
    public int PendingPackets => _filled / TsPacket.Size;

    /// <summary>Counts packets lost to a sync loss found by the caller (in a byte stream, before alignment is regained).</summary>
    public void CountSyncLoss(int packets) => Interlocked.Add(ref _syncErrors, packets);

    /// <summary>Sends the partial datagram, completed with null packets, if there is one.</summary>
    public void Flush()
    {
        if (_filled == 0)
            return;
        while (_filled < TsPacket.DatagramSize)
        {
            Span<byte> packet = _datagram.AsSpan(_filled, TsPacket.Size);
            TsPacket.WriteHeader(packet, TsPacket.NullPid, payloadUnitStart: false, adaptation: false, payload: true, _nullContinuity++);
            packet[4..].Fill(0xFF);
            _filled += TsPacket.Size;
        }
        Emit();
    }

    void Append(ReadOnlySpan<byte> packet)
    {
        packet.CopyTo(_datagram.AsSpan(_filled));
        _filled += TsPacket.Size;
        Interlocked.Increment(ref _packets);
        if (_filled == TsPacket.DatagramSize)
            Emit();
    }

    void Emit()
    {
        sink.Send(_datagram);
        _filled = 0;
        Interlocked.Increment(ref _datagrams);
    }
}
