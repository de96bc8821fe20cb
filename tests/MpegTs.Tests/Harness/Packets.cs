using System.Buffers.Binary;

namespace Ristbond.MpegTs.Tests.Harness;

/// <summary>Recognisable TS packets for tests, and ways to take a byte stream apart again.</summary>
public static class Packets
{
    public const int TestPid = 0x0123;

    /// <summary>A packet on <see cref="TestPid"/> whose payload says <paramref name="number"/> (and whose CC follows it).</summary>
    public static byte[] Numbered(int number)
    {
        byte[] packet = new byte[TsPacket.Size];
        TsPacket.WriteHeader(packet, TestPid, payloadUnitStart: false, adaptation: false, payload: true, number);
        packet.AsSpan(4).Fill((byte)(number * 7));
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), number);
        return packet;
    }

    /// <summary><paramref name="count"/> numbered packets from <paramref name="first"/>, back to back in one buffer.</summary>
    public static byte[] NumberedRun(int first, int count)
    {
        byte[] buffer = new byte[count * TsPacket.Size];
        for (int i = 0; i < count; i++)
            Numbered(first + i).CopyTo(buffer, i * TsPacket.Size);
        return buffer;
    }

    /// <summary>The number a <see cref="Numbered"/> packet carries.</summary>
    public static int NumberOf(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadInt32BigEndian(packet[4..]);

    public static IEnumerable<byte[]> Split(byte[] stream)
    {
        for (int offset = 0; offset + TsPacket.Size <= stream.Length; offset += TsPacket.Size)
            yield return stream[offset..(offset + TsPacket.Size)];
    }

    public static IEnumerable<byte[]> Split(IEnumerable<byte[]> datagrams) => datagrams.SelectMany(Split);

    /// <summary>The test stream as the generator writes it: <paramref name="datagrams"/> datagrams at 1 ms apart from <paramref name="startNanos"/>.</summary>
    public static List<(long Nanos, byte[] Datagram)> Generate(int datagrams, long startNanos = 5_000_000_000, long stepNanos = 1_000_000)
    {
        var generator = new TestPatternGenerator();
        var result = new List<(long, byte[])>(datagrams);
        for (int i = 0; i < datagrams; i++)
        {
            byte[] datagram = new byte[TsPacket.DatagramSize];
            long now = startNanos + i * stepNanos;
            generator.WriteDatagram(datagram, now);
            result.Add((now, datagram));
        }
        return result;
    }
}
