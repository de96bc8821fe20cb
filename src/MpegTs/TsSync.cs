namespace Ristbond.MpegTs;

/// <summary>Finding packet alignment in a byte stream (a file, a pipe) where nothing marks packet boundaries.</summary>
public static class TsSync
{
    /// <summary>Packets in a row that must show the sync byte before an offset is trusted.</summary>
    public const int ConfirmPackets = 5;

    /// <summary>
    /// The first offset at which <see cref="ConfirmPackets"/> consecutive packets start with the sync byte, or -1.
    /// With fewer bytes than that, all whole packets available must agree.
    /// </summary>
    public static int FindAlignment(ReadOnlySpan<byte> data)
    {
        for (int offset = 0; offset < TsPacket.Size && offset < data.Length; offset++)
        {
            int available = (data.Length - offset) / TsPacket.Size;
            int needed = Math.Min(ConfirmPackets, available);
            if (needed == 0)
                return -1;
            bool aligned = true;
            for (int i = 0; i < needed && aligned; i++)
                aligned = data[offset + i * TsPacket.Size] == TsPacket.SyncByte;
            if (aligned)
                return offset;
        }
        return -1;
    }

    /// <summary>
    /// The RTP header length to skip if <paramref name="datagram"/> looks like RTP carrying TS (RFC 2250), else 0.
    /// Padding (RTP's P bit) is left at the end for the caller to cut with <see cref="RtpPaddingLength"/>.
    /// Many encoders send RTP/MPEG-TS to what users call a UDP address; accepting both saves them a setting.
    /// </summary>
    public static int RtpHeaderLength(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < 12 + TsPacket.Size || datagram[0] == TsPacket.SyncByte || (datagram[0] >> 6) != 2)
            return 0;
        int length = 12 + 4 * (datagram[0] & 0x0F); // fixed header + CSRCs
        if ((datagram[0] & 0x10) != 0 && datagram.Length >= length + 4)
            length += 4 + 4 * ((datagram[length + 2] << 8) | datagram[length + 3]); // header extension
        int padding = (datagram[0] & 0x20) != 0 ? datagram[^1] : 0; // the last byte counts the padding
        int payload = datagram.Length - length - padding;
        return length < datagram.Length && payload > 0 && datagram[length] == TsPacket.SyncByte && payload % TsPacket.Size == 0
            ? length
            : 0;
    }

    /// <summary>The RTP padding at the end of <paramref name="datagram"/> (0 unless the P bit is set).</summary>
    public static int RtpPaddingLength(ReadOnlySpan<byte> datagram) =>
        datagram.Length > 0 && (datagram[0] >> 6) == 2 && (datagram[0] & 0x20) != 0 ? datagram[^1] : 0;
}
