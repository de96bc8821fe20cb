namespace Ristbond.Video.Tests.Harness;

/// <summary>Reads HEVC NAL unit types out of an Annex-B byte stream (start codes 00 00 01 / 00 00 00 01).</summary>
public static class AnnexB
{
    public static List<int> NalTypes(ReadOnlySpan<byte> stream)
    {
        var types = new List<int>();
        for (int i = 0; i + 3 < stream.Length; i++)
        {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1)
            {
                // HEVC NAL header: forbidden_zero_bit, then six bits of nal_unit_type.
                types.Add((stream[i + 3] >> 1) & 0x3F);
                i += 3;
            }
        }
        return types;
    }

    public static bool IsIrap(int nalType) => nalType is >= 16 and <= 21;

    public const int Vps = 32;
    public const int Sps = 33;
    public const int Pps = 34;
    public const int AccessUnitDelimiter = 35;
}
