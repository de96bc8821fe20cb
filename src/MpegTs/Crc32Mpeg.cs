namespace Ristbond.MpegTs;

/// <summary>CRC-32/MPEG-2 (poly 0x04C11DB7, no reflection, no final xor) that ends every PSI section.</summary>
public static class Crc32Mpeg
{
    static readonly uint[] s_table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
            crc = (crc << 8) ^ s_table[(crc >> 24) ^ b];
        return crc;
    }

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i << 24;
            for (int bit = 0; bit < 8; bit++)
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            table[i] = c;
        }
        return table;
    }
}
