using System.Buffers.Binary;
using Ristbond.MpegTs;

namespace Ristbond.Ingest.Tests.Harness;

/// <summary>Transport streams made for tests: numbered packets, the test pattern, a stream without PCR, one paced by PCR.</summary>
public static class TsBytes
{
    public const int DataPid = 0x0100;
    public const int PcrPid = 0x0101;

    public static IEnumerable<byte[]> Split(byte[] stream)
    {
        for (int offset = 0; offset + TsPacket.Size <= stream.Length; offset += TsPacket.Size)
            yield return stream[offset..(offset + TsPacket.Size)];
    }

    /// <summary>A data packet whose payload says <paramref name="number"/>.</summary>
    public static byte[] Numbered(int number)
    {
        byte[] packet = new byte[TsPacket.Size];
        TsPacket.WriteHeader(packet, DataPid, payloadUnitStart: false, adaptation: false, payload: true, number);
        packet.AsSpan(4).Fill((byte)number);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), number);
        return packet;
    }

    public static byte[] NumberedRun(int first, int count) => [.. Enumerable.Range(first, count).SelectMany(Numbered)];

    public static int NumberOf(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadInt32BigEndian(packet[4..]);

    /// <summary>An adaptation-only packet carrying <paramref name="pcr"/>, optionally flagged as a discontinuity.</summary>
    public static byte[] Pcr(long pcr, int pid = PcrPid, bool discontinuity = false)
    {
        byte[] packet = new byte[TsPacket.Size];
        TsPacket.WriteHeader(packet, pid, payloadUnitStart: false, adaptation: true, payload: false, 0);
        TsPacket.WriteAdaptationField(packet, TsPacket.Size - 5, pcr);
        if (discontinuity)
            packet[5] |= 0x80;
        return packet;
    }

    /// <summary><paramref name="datagrams"/> datagrams of the test pattern, one per simulated millisecond: PCR every 40 ms.</summary>
    public static byte[] TestPattern(int datagrams)
    {
        var generator = new TestPatternGenerator();
        byte[] stream = new byte[datagrams * TsPacket.DatagramSize];
        for (int i = 0; i < datagrams; i++)
            generator.WriteDatagram(stream.AsSpan(i * TsPacket.DatagramSize, TsPacket.DatagramSize), 1_000_000_000L + i * 1_000_000L);
        return stream;
    }

    /// <summary>PAT, PMT and data packets, but not one PCR: a stream that cannot be paced by itself.</summary>
    public static byte[] WithoutPcr(int dataPackets)
    {
        byte[] stream = new byte[(dataPackets + 2) * TsPacket.Size];
        Psi.WritePatPacket(stream, Psi.DefaultProgramNumber, 0x1000, 0);
        Psi.WritePmtPacket(stream.AsSpan(TsPacket.Size), 0x1000, Psi.DefaultProgramNumber, PcrPid, [new(0x06, DataPid)], 0);
        for (int i = 0; i < dataPackets; i++)
            Ristbond.MpegTs.TestPattern.WriteDataPacket(stream.AsSpan((i + 2) * TsPacket.Size, TsPacket.Size), i, 0);
        return stream;
    }
}
