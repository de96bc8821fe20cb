using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest;

/// <summary>
/// Holds the datagrams the muxer makes of one access unit and hands them on spread evenly over a time window
/// (what is left of the frame interval), so a keyframe many times the size of a P-frame does not reach the links
/// as one burst. The muxer writes into it as an <see cref="IDatagramSink"/>; <see cref="Release"/> then sends.
/// The buffer grows when a larger access unit than any before comes, and is reused: nothing is allocated per
/// frame once the largest keyframe has been seen. One thread.
/// </summary>
public sealed class AccessUnitPacer : IDatagramSink
{
    const int InitialDatagrams = 64;

    readonly IPacingClock _clock;
    byte[] _buffer = new byte[InitialDatagrams * TsPacket.DatagramSize];
    int _count;

    public AccessUnitPacer(IPacingClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
    }

    /// <summary>Datagrams waiting for <see cref="Release"/>.</summary>
    public int Pending => _count;

    /// <summary>Datagrams the buffer holds without growing.</summary>
    public int Capacity => _buffer.Length / TsPacket.DatagramSize;

    void IDatagramSink.Send(ReadOnlySpan<byte> datagram)
    {
        int offset = _count * TsPacket.DatagramSize;
        if (offset + TsPacket.DatagramSize > _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
        datagram.CopyTo(_buffer.AsSpan(offset, TsPacket.DatagramSize));
        _count++;
    }

    /// <summary>
    /// Sends the waiting datagrams to <paramref name="sink"/>: the first now, the others at even steps so that the
    /// last leaves one step before <paramref name="endNanos"/>. A window already over sends them all at once.
    /// </summary>
    /// <param name="firstSentNanos">When the first was handed to the sink.</param>
    /// <param name="lastSentNanos">When the last was.</param>
    /// <returns>The number of datagrams sent.</returns>
    public int Release(IDatagramSink sink, long endNanos, out long firstSentNanos, out long lastSentNanos)
    {
        ArgumentNullException.ThrowIfNull(sink);
        int count = _count;
        long start = _clock.NowNanos;
        firstSentNanos = lastSentNanos = start;
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                _clock.SleepUntil(DueNanos(i, count, start, endNanos));
                lastSentNanos = _clock.NowNanos;
            }
            sink.Send(_buffer.AsSpan(i * TsPacket.DatagramSize, TsPacket.DatagramSize));
        }
        _count = 0;
        return count;
    }

    /// <summary>When datagram <paramref name="index"/> of <paramref name="count"/> is due in the window [start, end).</summary>
    public static long DueNanos(int index, int count, long startNanos, long endNanos) =>
        endNanos <= startNanos ? startNanos : startNanos + (endNanos - startNanos) * index / count;
}
