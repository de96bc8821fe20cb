namespace Ristbond.MpegTs.Tests.Harness;

/// <summary>CRC-32/MPEG-2 computed the slow way, one bit at a time, straight from the polynomial: the oracle for the table-driven code.</summary>
public static class ReferenceCrc
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                bool feedback = ((crc >> 31) ^ (uint)((b >> bit) & 1)) != 0;
                crc <<= 1;
                if (feedback)
                    crc ^= 0x04C11DB7;
            }
        }
        return crc;
    }
}
