using System.Buffers.Binary;

namespace Ristbond.MpegTs.Tests.Harness;

/// <summary>
/// A receiver's reading of a transport stream, written from 13818-1 for the tests and sharing nothing with the
/// muxer but <see cref="TsPacket"/>'s field accessors: PES packets with their timestamps, PAT and PMT, continuity.
/// </summary>
public static class Demux
{
    /// <summary>One PES packet as reassembled from the TS packets that carried it.</summary>
    public sealed record Pes(int FirstPacket, int PacketCount, int StreamId, int PacketLength, bool DataAligned, long Pts, long? Dts, byte[] Payload);

    public sealed record Pat(int TransportStreamId, int ProgramNumber, int PmtPid);

    public sealed record Pmt(int ProgramNumber, int PcrPid, List<(int StreamType, int Pid)> Streams);

    /// <summary>Every PES packet on <paramref name="pid"/>, in order; packets before the first unit start are ignored.</summary>
    public static List<Pes> ReadPes(List<byte[]> packets, int pid)
    {
        var result = new List<Pes>();
        var payload = new List<byte>();
        int start = -1;
        for (int i = 0; i <= packets.Count; i++)
        {
            bool end = i == packets.Count;
            if (!end && TsPacket.Pid(packets[i]) != pid)
                continue;
            if (end || TsPacket.PayloadUnitStart(packets[i]))
            {
                if (start >= 0)
                    result.Add(ParsePes(start, CountOnPid(packets, pid, start, i), [.. payload]));
                if (end)
                    break;
                payload.Clear();
                start = i;
            }
            if (start >= 0)
                payload.AddRange(TsPacket.Payload(packets[i]).ToArray());
        }
        return result;
    }

    static int CountOnPid(List<byte[]> packets, int pid, int from, int to) =>
        packets.Skip(from).Take(to - from).Count(p => TsPacket.Pid(p) == pid);

    static Pes ParsePes(int firstPacket, int packetCount, byte[] data)
    {
        Assert.True(data is [0x00, 0x00, 0x01, ..], $"PES at packet {firstPacket} lacks its start code prefix");
        int flags = data[7] >> 6;
        Assert.True(flags is 0b10 or 0b11, $"PES at packet {firstPacket} has PTS_DTS_flags {flags}");
        int headerLength = data[8];
        long pts = ReadTimestamp(data.AsSpan(9), flags == 0b11 ? 0b0011 : 0b0010);
        long? dts = flags == 0b11 ? ReadTimestamp(data.AsSpan(14), 0b0001) : null;
        return new Pes(firstPacket, packetCount, data[3], BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(4)),
            (data[6] & 0x04) != 0, pts, dts, data[(9 + headerLength)..]);
    }

    /// <summary>A 5-byte PTS/DTS, checking its prefix and all three marker bits.</summary>
    public static long ReadTimestamp(ReadOnlySpan<byte> field, int expectedPrefix)
    {
        Assert.Equal(expectedPrefix, field[0] >> 4);
        Assert.True((field[0] & 1) == 1 && (field[2] & 1) == 1 && (field[4] & 1) == 1, "a timestamp marker bit is 0");
        return ((long)(field[0] >> 1) & 0x07) << 30 | (long)field[1] << 22 | (long)(field[2] >> 1) << 15 | (long)field[3] << 7 | (long)(field[4] >> 1);
    }

    public static Pat ReadPat(byte[] packet)
    {
        ReadOnlySpan<byte> section = CheckedSection(packet, tableId: 0x00);
        Assert.Equal(16, section.Length); // one program only: 8 header bytes, 4 for the program, 4 of CRC
        return new Pat(BinaryPrimitives.ReadUInt16BigEndian(section[3..]), BinaryPrimitives.ReadUInt16BigEndian(section[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(section[10..]) & 0x1FFF);
    }

    public static Pmt ReadPmt(byte[] packet)
    {
        ReadOnlySpan<byte> section = CheckedSection(packet, tableId: 0x02);
        int programInfoLength = BinaryPrimitives.ReadUInt16BigEndian(section[10..]) & 0x0FFF;
        var streams = new List<(int, int)>();
        for (int offset = 12 + programInfoLength; offset < section.Length - 4;)
        {
            streams.Add((section[offset], BinaryPrimitives.ReadUInt16BigEndian(section[(offset + 1)..]) & 0x1FFF));
            offset += 5 + (BinaryPrimitives.ReadUInt16BigEndian(section[(offset + 3)..]) & 0x0FFF);
        }
        return new Pmt(BinaryPrimitives.ReadUInt16BigEndian(section[3..]), BinaryPrimitives.ReadUInt16BigEndian(section[8..]) & 0x1FFF, streams);
    }

    /// <summary>Each stream's ES_info descriptors in the PMT, as (tag, body) pairs, by PID.</summary>
    public static Dictionary<int, List<(int Tag, byte[] Body)>> ReadPmtDescriptors(byte[] packet)
    {
        ReadOnlySpan<byte> section = CheckedSection(packet, tableId: 0x02);
        int programInfoLength = BinaryPrimitives.ReadUInt16BigEndian(section[10..]) & 0x0FFF;
        var result = new Dictionary<int, List<(int, byte[])>>();
        for (int offset = 12 + programInfoLength; offset < section.Length - 4;)
        {
            int pid = BinaryPrimitives.ReadUInt16BigEndian(section[(offset + 1)..]) & 0x1FFF;
            int infoLength = BinaryPrimitives.ReadUInt16BigEndian(section[(offset + 3)..]) & 0x0FFF;
            ReadOnlySpan<byte> info = section.Slice(offset + 5, infoLength);
            var descriptors = new List<(int, byte[])>();
            while (info.Length >= 2)
            {
                Assert.True(info.Length >= 2 + info[1], $"pid 0x{pid:X}: a descriptor runs past its ES_info");
                descriptors.Add((info[0], info.Slice(2, info[1]).ToArray()));
                info = info[(2 + info[1])..];
            }
            Assert.True(info.IsEmpty, $"pid 0x{pid:X}: a stray byte after its descriptors");
            result[pid] = descriptors;
            offset += 5 + infoLength;
        }
        return result;
    }

    /// <summary>The whole section a table packet starts, after checking table_id, pointer field and CRC.</summary>
    static ReadOnlySpan<byte> CheckedSection(byte[] packet, int tableId)
    {
        Assert.True(TsPacket.PayloadUnitStart(packet), "a table packet without payload_unit_start_indicator");
        ReadOnlySpan<byte> payload = TsPacket.Payload(packet);
        Assert.Equal(0, payload[0]); // pointer_field: the section starts right away
        ReadOnlySpan<byte> section = payload[1..];
        Assert.Equal(tableId, section[0]);
        int length = 3 + (BinaryPrimitives.ReadUInt16BigEndian(section[1..]) & 0x0FFF);
        Assert.Equal(0u, ReferenceCrc.Compute(section[..length]));
        return section[..length];
    }

    /// <summary>
    /// Each place a PID's continuity counter does not follow on from the one before, as "pid 0x…: packet i has cc x
    /// after y". Packets without payload keep their counter (§2.4.3.3); null packets are not counted.
    /// </summary>
    public static List<string> ContinuityBreaks(List<byte[]> packets)
    {
        var breaks = new List<string>();
        var last = new Dictionary<int, int>();
        for (int i = 0; i < packets.Count; i++)
        {
            int pid = TsPacket.Pid(packets[i]);
            if (pid == TsPacket.NullPid)
                continue;
            int cc = TsPacket.ContinuityCounter(packets[i]);
            bool payload = TsPacket.HasPayload(packets[i]);
            if (last.TryGetValue(pid, out int previous) && cc != (payload ? (previous + 1) & 0x0F : previous))
                breaks.Add($"pid 0x{pid:X}: packet {i} has cc {cc} after {previous}");
            last[pid] = cc;
        }
        return breaks;
    }

    /// <summary>The adaptation field's flags byte, or -1 if there is no field or it is only its length byte.</summary>
    public static int AdaptationFlags(byte[] packet) =>
        TsPacket.HasAdaptationField(packet) && packet[4] > 0 ? packet[5] : -1;
}
