namespace Ristbond.MpegTs;

/// <summary>
/// What the muxer needs to know about an Annex-B access unit (H.264 Annex B, H.265 Annex B): where its first NAL
/// unit starts and whether that is an access unit delimiter, and the delimiter to put in front when it is not.
/// Pure functions over spans; nothing here walks the whole access unit.
/// </summary>
public static class AnnexB
{
    public const int H264DelimiterType = 9;
    public const int HevcDelimiterType = 35;

    // 13818-1 §2.14.1 (AVC) and §2.17.1 (HEVC) want every access unit in a TS to start with a delimiter: a decoder
    // reading PES payload finds access unit boundaries by it. FFmpeg's mpegts muxer adds these same bytes when an
    // access unit has none. A 4-byte start code because Annex B wants the zero_byte before an access unit's first NAL.
    //   H.264: nal_unit_type 9, primary_pic_type 7 (any slice type), then the RBSP stop bit.
    static ReadOnlySpan<byte> H264Delimiter => [0x00, 0x00, 0x00, 0x01, 0x09, 0xF0];
    //   HEVC: nal_unit_type 35, layer 0, TemporalId 0, pic_type 2 (I, P or B slices), then the RBSP stop bit.
    static ReadOnlySpan<byte> HevcDelimiter => [0x00, 0x00, 0x00, 0x01, 0x46, 0x01, 0x50];

    /// <summary>The longest delimiter <see cref="Delimiter"/> returns, for sizing buffers.</summary>
    public const int MaxDelimiterLength = 7;

    /// <summary>The access unit delimiter NAL unit (with its start code) the muxer inserts for <paramref name="codec"/>.</summary>
    public static ReadOnlySpan<byte> Delimiter(VideoCodec codec) => codec == VideoCodec.Hevc ? HevcDelimiter : H264Delimiter;

    /// <summary>3 or 4 if <paramref name="data"/> opens with a start code (00 00 01 or 00 00 00 01), else 0.</summary>
    public static int StartCodeLength(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0 && data[1] == 0 && data[2] == 1)
            return 3;
        if (data.Length >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 1)
            return 4;
        return 0;
    }

    /// <summary>
    /// The nal_unit_type of the first NAL unit, or -1 if <paramref name="accessUnit"/> does not open with a start code
    /// followed by a NAL header whose forbidden_zero_bit is clear (so it is not an Annex-B stream of this codec).
    /// </summary>
    public static int FirstNalType(ReadOnlySpan<byte> accessUnit, VideoCodec codec)
    {
        int start = StartCodeLength(accessUnit);
        int headerLength = codec == VideoCodec.Hevc ? 2 : 1;
        if (start == 0 || accessUnit.Length < start + headerLength)
            return -1;
        byte header = accessUnit[start];
        if ((header & 0x80) != 0)
            return -1;
        return codec == VideoCodec.Hevc ? (header >> 1) & 0x3F : header & 0x1F;
    }

    /// <summary>
    /// Whether the access unit already opens with a delimiter. Only the first NAL unit counts: H.264 §7.4.1.2.3 and
    /// H.265 §7.4.2.4.4 allow a delimiter nowhere else, and one further in would not mark the boundary anyway.
    /// </summary>
    public static bool StartsWithDelimiter(ReadOnlySpan<byte> accessUnit, VideoCodec codec) =>
        FirstNalType(accessUnit, codec) == (codec == VideoCodec.Hevc ? HevcDelimiterType : H264DelimiterType);
}
