using System.Buffers.Binary;
using Ristbond.MpegTs.Tests.Harness;

namespace Ristbond.MpegTs.Tests;

/// <summary>
/// The CRC and the PAT/PMT packets a receiver must accept. The expected packets are byte for byte what FFmpeg's
/// mpegts muxer writes for the same program, so a mistake here would have to be shared with FFmpeg to go unseen.
/// </summary>
public sealed class PsiTests
{
    // ffmpeg -f lavfi -i testsrc -c:v mpeg2video -f mpegts: its PAT (program 1 → PMT 0x1000, transport_stream_id 1) …
    static readonly byte[] s_ffmpegPat = Convert.FromHexString("474000100000B00D0001C100000001F0002AB104B2");
    // … and its PMT (PCR PID 0x100, one MPEG-2 video stream on PID 0x100).
    static readonly byte[] s_ffmpegPmt = Convert.FromHexString("475000100002B0120001C10000E100F00002E100F0009E8B23D1");

    [Fact]
    public void Crc_of_the_check_string_is_the_catalogued_value()
    {
        byte[] check = "123456789"u8.ToArray();
        Assert.Equal(0x0376E6E7u, Crc32Mpeg.Compute(check));
        Assert.Equal(0x0376E6E7u, ReferenceCrc.Compute(check)); // the oracle itself is right
    }

    [Fact]
    public void Crc_of_nothing_is_the_initial_value()
    {
        Assert.Equal(0xFFFFFFFFu, Crc32Mpeg.Compute([]));
    }

    [Fact]
    public void Crc_matches_the_bitwise_reference_on_every_length_up_to_a_packet()
    {
        var random = new Random(20240611);
        byte[] data = new byte[TsPacket.Size];
        random.NextBytes(data);
        for (int length = 0; length <= data.Length; length++)
        {
            uint expected = ReferenceCrc.Compute(data.AsSpan(0, length));
            uint actual = Crc32Mpeg.Compute(data.AsSpan(0, length));
            Assert.True(expected == actual, $"length {length}: expected 0x{expected:X8}, got 0x{actual:X8}");
        }
    }

    [Fact]
    public void Pat_is_byte_for_byte_the_one_ffmpeg_writes()
    {
        byte[] packet = new byte[TsPacket.Size];
        Psi.WritePatPacket(packet, Psi.DefaultProgramNumber, pmtPid: 0x1000, continuityCounter: 0);

        Assert.Equal(s_ffmpegPat, packet[..s_ffmpegPat.Length]);
        Assert.All(packet[s_ffmpegPat.Length..], b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public void Pat_crc_equals_the_reference_crc_of_its_section()
    {
        byte[] packet = new byte[TsPacket.Size];
        Psi.WritePatPacket(packet, programNumber: 7, pmtPid: 0x0ABC, continuityCounter: 3, transportStreamId: 0x1234);

        ReadOnlySpan<byte> section = Section(packet);
        uint written = BinaryPrimitives.ReadUInt32BigEndian(section[^4..]);
        Assert.Equal(ReferenceCrc.Compute(section[..^4]), written);
        Assert.Equal(0u, ReferenceCrc.Compute(section)); // a receiver's check: CRC over section + CRC is zero
        Assert.Equal(0x1234, BinaryPrimitives.ReadUInt16BigEndian(section[3..]));
        Assert.Equal(7, BinaryPrimitives.ReadUInt16BigEndian(section[8..]));
        Assert.Equal(0x0ABC, BinaryPrimitives.ReadUInt16BigEndian(section[10..]) & 0x1FFF);
        Assert.Equal(TsPacket.PatPid, TsPacket.Pid(packet));
        Assert.True(TsPacket.PayloadUnitStart(packet));
        Assert.Equal(3, TsPacket.ContinuityCounter(packet));
    }

    [Fact]
    public void Pmt_is_byte_for_byte_the_one_ffmpeg_writes()
    {
        byte[] packet = new byte[TsPacket.Size];
        Psi.WritePmtPacket(packet, pmtPid: 0x1000, Psi.DefaultProgramNumber, pcrPid: 0x100, [new(0x02, 0x100)], continuityCounter: 0);

        Assert.Equal(s_ffmpegPmt, packet[..s_ffmpegPmt.Length]);
        Assert.All(packet[s_ffmpegPmt.Length..], b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public void Pmt_with_several_streams_lists_each_and_checks_out()
    {
        Psi.ElementaryStream[] streams = [new(0x1B, 0x100), new(0x0F, 0x101), new(0x06, 0x1FFE)];
        byte[] packet = new byte[TsPacket.Size];
        Psi.WritePmtPacket(packet, pmtPid: 0x1000, programNumber: 3, pcrPid: 0x100, streams, continuityCounter: 12);

        ReadOnlySpan<byte> section = Section(packet);
        Assert.Equal(0x02, section[0]);
        Assert.Equal(0u, ReferenceCrc.Compute(section));
        Assert.Equal(3, BinaryPrimitives.ReadUInt16BigEndian(section[3..]));
        Assert.Equal(0x100, BinaryPrimitives.ReadUInt16BigEndian(section[8..]) & 0x1FFF);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(section[10..]) & 0x0FFF);
        for (int i = 0; i < streams.Length; i++)
        {
            ReadOnlySpan<byte> entry = section.Slice(12 + 5 * i, 5);
            Assert.Equal(streams[i].StreamType, entry[0]);
            Assert.Equal(streams[i].Pid, BinaryPrimitives.ReadUInt16BigEndian(entry[1..]) & 0x1FFF);
            Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(entry[3..]) & 0x0FFF);
        }
        Assert.Equal(0x1000, TsPacket.Pid(packet));
        Assert.Equal(12, TsPacket.ContinuityCounter(packet));
    }

    /// <summary>The section a PSI packet carries, from table_id to the end of its CRC (section_length says where).</summary>
    static ReadOnlySpan<byte> Section(byte[] packet)
    {
        Assert.Equal(0, packet[4]); // pointer_field: the section starts right away
        int sectionLength = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(6)) & 0x0FFF;
        Assert.Equal(0xB000, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(6)) & 0xF000); // syntax indicator + reserved
        return packet.AsSpan(5, 3 + sectionLength);
    }
}
