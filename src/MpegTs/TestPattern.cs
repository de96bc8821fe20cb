using System.Buffers.Binary;

namespace Ristbond.MpegTs;

/// <summary>
/// The layout of the built-in test stream. One program: PAT, PMT, a PCR PID, and a private data PID whose every
/// packet carries a sequence number, the monotonic send time and 168 bytes derived from the sequence number, so a
/// receiver can check each packet's content, find every gap and measure end-to-end latency on the same host.
/// </summary>
public static class TestPattern
{
    public const int PmtPid = 0x1000;
    public const int DataPid = 0x0100;
    public const int PcrPid = 0x0101;
    public const byte PrivateDataStreamType = 0x06;

    const int SequenceOffset = 4;
    const int TimestampOffset = 12;
    const int PatternOffset = 20;

    /// <summary>Writes the data packet numbered <paramref name="sequence"/>.</summary>
    public static void WriteDataPacket(Span<byte> packet, long sequence, long sentNanos)
    {
        TsPacket.WriteHeader(packet, DataPid, payloadUnitStart: false, adaptation: false, payload: true, (int)(sequence & 0x0F));
        BinaryPrimitives.WriteInt64BigEndian(packet[SequenceOffset..], sequence);
        BinaryPrimitives.WriteInt64BigEndian(packet[TimestampOffset..], sentNanos);
        FillPattern(packet[PatternOffset..TsPacket.Size], sequence);
    }

    /// <summary>Reads a data packet: false if its pattern does not match its sequence number.</summary>
    public static bool TryReadDataPacket(ReadOnlySpan<byte> packet, out long sequence, out long sentNanos)
    {
        sequence = BinaryPrimitives.ReadInt64BigEndian(packet[SequenceOffset..]);
        sentNanos = BinaryPrimitives.ReadInt64BigEndian(packet[TimestampOffset..]);
        Span<byte> expected = stackalloc byte[TsPacket.Size - PatternOffset];
        FillPattern(expected, sequence);
        return sequence >= 0
            && TsPacket.ContinuityCounter(packet) == (int)(sequence & 0x0F)
            && expected.SequenceEqual(packet[PatternOffset..TsPacket.Size]);
    }

    /// <summary>SplitMix64 keyed by the sequence number: cheap, deterministic, and different for every packet.</summary>
    static void FillPattern(Span<byte> destination, long sequence)
    {
        ulong state = (ulong)sequence * 0x9E3779B97F4A7C15UL;
        Span<byte> word = stackalloc byte[8];
        for (int offset = 0; offset < destination.Length; offset += 8)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            BinaryPrimitives.WriteUInt64LittleEndian(word, z);
            int count = Math.Min(8, destination.Length - offset);
            word[..count].CopyTo(destination[offset..]);
        }
    }
}
