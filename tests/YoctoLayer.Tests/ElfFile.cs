using System.Buffers.Binary;
using System.Text;

namespace Ristbond.YoctoLayer.Tests;

/// <summary>
/// The two facts the layer's checks need from a 64-bit little-endian ELF executable (any machine, so no
/// cross binutils): its e_machine, and its DT_NEEDED libraries, found through the program headers as the loader
/// finds them (PT_DYNAMIC, DT_STRTAB mapped back to the file through the PT_LOAD segments).
/// </summary>
public sealed class ElfFile
{
    public const ushort MachineAArch64 = 0xB7;
    public const ushort MachineX8664 = 0x3E;

    const uint PtLoad = 1, PtDynamic = 2;
    const long DtNull = 0, DtNeeded = 1, DtStrtab = 5;

    public ushort Machine { get; }
    public IReadOnlyList<string> Needed { get; }

    ElfFile(ushort machine, IReadOnlyList<string> needed)
    {
        Machine = machine;
        Needed = needed;
    }

    public static ElfFile Read(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || !elf.AsSpan(0, 4).SequenceEqual("\x7f"u8.ToArray().Concat("ELF"u8.ToArray()).ToArray()))
            throw new InvalidDataException($"{path} is not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file");
        ushort machine = U16(elf, 18);
        long phoff = (long)U64(elf, 0x20);
        int phentsize = U16(elf, 0x36), phnum = U16(elf, 0x38);

        var loads = new List<(ulong VAddr, ulong Offset, ulong Size)>();
        (long Offset, long Size)? dynamic = null;
        for (int i = 0; i < phnum; i++)
        {
            int ph = checked((int)(phoff + i * phentsize));
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(ph));
            if (type == PtLoad)
                loads.Add((U64(elf, ph + 0x10), U64(elf, ph + 0x08), U64(elf, ph + 0x20)));
            else if (type == PtDynamic)
                dynamic = ((long)U64(elf, ph + 0x08), (long)U64(elf, ph + 0x20));
        }
        if (dynamic is not (long dynOffset, long dynSize))
            return new ElfFile(machine, []); // statically linked: needs nothing

        var neededOffsets = new List<ulong>();
        ulong strtab = 0;
        for (long at = dynOffset; at + 16 <= dynOffset + dynSize; at += 16)
        {
            long tag = (long)U64(elf, (int)at);
            ulong value = U64(elf, (int)at + 8);
            if (tag == DtNull)
                break;
            if (tag == DtNeeded)
                neededOffsets.Add(value);
            else if (tag == DtStrtab)
                strtab = value;
        }
        var segment = loads.FirstOrDefault(l => strtab >= l.VAddr && strtab < l.VAddr + l.Size);
        if (segment.Size == 0)
            throw new InvalidDataException($"{path}: DT_STRTAB 0x{strtab:x} is in no PT_LOAD segment");
        long table = (long)(strtab - segment.VAddr + segment.Offset);
        return new ElfFile(machine, [.. neededOffsets.Select(o => CString(elf, (int)(table + (long)o)))]);
    }

    static ushort U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));

    static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));

    static string CString(byte[] b, int at) => Encoding.ASCII.GetString(b, at, Array.IndexOf(b, (byte)0, at) - at);
}
