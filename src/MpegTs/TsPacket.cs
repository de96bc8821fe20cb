using System.Buffers.Binary;

namespace Ristbond.MpegTs;

/// <summary>Facts about one 188-byte MPEG transport stream packet (ISO/IEC 13818-1 §2.4.3), read from a span.</summary>
public static class TsPacket
{
    public const int Size = 188;
    public const byte SyncByte = 0x47;
    public const int PacketsPerDatagram = 7;
    public const int DatagramSize = Size * PacketsPerDatagram; // 1316: what RIST carries per RTP packet
    public const int NullPid = 0x1FFF;
    public const int PatPid = 0x0000;
    public const long PcrClockHz = 27_000_000;

    public static bool HasSync(ReadOnlySpan<byte> packet) => packet.Length >= Size && packet[0] == SyncByte;

    public static int Pid(ReadOnlySpan<byte> packet) => ((packet[1] & 0x1F) << 8) | packet[2];

    public static bool PayloadUnitStart(ReadOnlySpan<byte> packet) => (packet[1] & 0x40) != 0;

    public static bool TransportError(ReadOnlySpan<byte> packet) => (packet[1] & 0x80) != 0;

    public static int ContinuityCounter(ReadOnlySpan<byte> packet) => packet[3] & 0x0F;

    public static bool HasAdaptationField(ReadOnlySpan<byte> packet) => (packet[3] & 0x20) != 0;

    public static bool HasPayload(ReadOnlySpan<byte> packet) => (packet[3] & 0x10) != 0;

    /// <summary>The payload after the header and adaptation field; empty if there is none or the field is malformed.</summary>
    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> packet)
    {
        if (!HasPayload(packet))
            return [];
        int start = 4;
        if (HasAdaptationField(packet))
            start += 1 + packet[4];
        return start < Size ? packet[start..Size] : [];
    }

    /// <summary>The PCR in 27 MHz ticks if this packet carries one.</summary>
    public static bool TryGetPcr(ReadOnlySpan<byte> packet, out long pcr)
    {
        pcr = 0;
        if (!HasAdaptationField(packet) || packet[4] < 7 || (packet[5] & 0x10) == 0)
            return false;
        ulong raw = BinaryPrimitives.ReadUInt64BigEndian(packet[6..14]) >> 16; // 48 bits
        long baseValue = (long)(raw >> 15);
        long extension = (long)(raw & 0x1FF);
        pcr = baseValue * 300 + extension;
        return true;
    }

    /// <summary>Writes a 4-byte header: sync, PUSI, PID, adaptation/payload flags and continuity counter.</summary>
    public static void WriteHeader(Span<byte> packet, int pid, bool payloadUnitStart, bool adaptation, bool payload, int continuityCounter)
    {
        packet[0] = SyncByte;
        packet[1] = (byte)((payloadUnitStart ? 0x40 : 0) | ((pid >> 8) & 0x1F));
        packet[2] = (byte)pid;
        packet[3] = (byte)((adaptation ? 0x20 : 0) | (payload ? 0x10 : 0) | (continuityCounter & 0x0F));
    }

    /// <summary>Writes an adaptation field of <paramref name="length"/> bytes (after the length byte), with a PCR if given, stuffed with 0xFF.</summary>
    public static void WriteAdaptationField(Span<byte> packet, int length, long? pcr)
    {
        packet[4] = (byte)length;
        if (length == 0)
            return;
        packet[5] = (byte)(pcr.HasValue ? 0x10 : 0x00);
        int used = 1;
        if (pcr is long value)
        {
            long baseValue = value / 300 % (1L << 33);
            long extension = value % 300;
            ulong raw = ((ulong)baseValue << 15) | (0x3FUL << 9) | (ulong)extension;
            Span<byte> eight = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(eight, raw << 16);
            eight[..6].CopyTo(packet[6..12]);
            used += 6;
        }
        packet.Slice(5 + used, length - used).Fill(0xFF);
    }
}
