using System.Buffers.Binary;

namespace Ristbond.MpegTs;

/// <summary>Program-specific information for a single-program stream: the PAT and PMT packets.</summary>
public static class Psi
{
    public const int DefaultProgramNumber = 1;

    /// <summary>One stream of the program; a non-zero <paramref name="FormatIdentifier"/> adds a registration descriptor (13818-1 §2.6.8).</summary>
    public readonly record struct ElementaryStream(byte StreamType, int Pid, uint FormatIdentifier = 0);

    internal const byte RegistrationDescriptorTag = 0x05;
    internal const byte PmtTableId = 0x02; // TS_program_map_section
    const int RegistrationDescriptorLength = 2 + 4;

    /// <summary>Writes one TS packet carrying a PAT that maps <paramref name="programNumber"/> to <paramref name="pmtPid"/>.</summary>
    public static void WritePatPacket(Span<byte> packet, int programNumber, int pmtPid, int continuityCounter, int transportStreamId = 1)
    {
        Span<byte> section = stackalloc byte[16];
        section[0] = 0x00; // table_id: program_association_section
        int sectionLength = 5 + 4 + 4; // header after length + one program + CRC
        WriteSectionHeader(section, sectionLength, transportStreamId);
        BinaryPrimitives.WriteUInt16BigEndian(section[8..], (ushort)programNumber);
        BinaryPrimitives.WriteUInt16BigEndian(section[10..], (ushort)(0xE000 | pmtPid));
        WriteSectionPacket(packet, TsPacket.PatPid, continuityCounter, section[..12]);
    }

    /// <summary>Writes one TS packet carrying a PMT with the given PCR PID and streams.</summary>
    public static void WritePmtPacket(Span<byte> packet, int pmtPid, int programNumber, int pcrPid, ReadOnlySpan<ElementaryStream> streams, int continuityCounter)
    {
        Span<byte> section = stackalloc byte[TsPacket.Size];
        section[0] = PmtTableId;
        int bodyLength = 4; // PCR_PID + program_info_length, then 5 bytes per stream and its descriptors
        foreach (var stream in streams)
            bodyLength += 5 + (stream.FormatIdentifier != 0 ? RegistrationDescriptorLength : 0);
        WriteSectionHeader(section, 5 + bodyLength + 4, programNumber);
        BinaryPrimitives.WriteUInt16BigEndian(section[8..], (ushort)(0xE000 | pcrPid));
        BinaryPrimitives.WriteUInt16BigEndian(section[10..], 0xF000); // no program descriptors
        int offset = 12;
        foreach (var stream in streams)
        {
            section[offset] = stream.StreamType;
            BinaryPrimitives.WriteUInt16BigEndian(section[(offset + 1)..], (ushort)(0xE000 | stream.Pid));
            int infoLength = stream.FormatIdentifier != 0 ? RegistrationDescriptorLength : 0;
            BinaryPrimitives.WriteUInt16BigEndian(section[(offset + 3)..], (ushort)(0xF000 | infoLength));
            offset += 5;
            if (infoLength == 0)
                continue;
            section[offset] = RegistrationDescriptorTag;
            section[offset + 1] = 4;
            BinaryPrimitives.WriteUInt32BigEndian(section[(offset + 2)..], stream.FormatIdentifier);
            offset += infoLength;
        }
        WriteSectionPacket(packet, pmtPid, continuityCounter, section[..offset]);
    }

    static void WriteSectionHeader(Span<byte> section, int sectionLength, int tableIdExtension)
    {
        BinaryPrimitives.WriteUInt16BigEndian(section[1..], (ushort)(0xB000 | sectionLength)); // syntax indicator, reserved
        BinaryPrimitives.WriteUInt16BigEndian(section[3..], (ushort)tableIdExtension);
        section[5] = 0xC1; // version 0, current_next
        section[6] = 0;    // section_number
        section[7] = 0;    // last_section_number
    }

    static void WriteSectionPacket(Span<byte> packet, int pid, int continuityCounter, ReadOnlySpan<byte> sectionWithoutCrc)
    {
        TsPacket.WriteHeader(packet, pid, payloadUnitStart: true, adaptation: false, payload: true, continuityCounter);
        packet[4] = 0; // pointer_field
        sectionWithoutCrc.CopyTo(packet[5..]);
        int end = 5 + sectionWithoutCrc.Length;
        BinaryPrimitives.WriteUInt32BigEndian(packet[end..], Crc32Mpeg.Compute(sectionWithoutCrc));
        packet[(end + 4)..TsPacket.Size].Fill(0xFF);
    }
}
