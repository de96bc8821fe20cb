namespace Ristbond.MpegTs.Tests.Harness;

/// <summary>
/// Cuts an Annex-B elementary stream (what <c>ffmpeg -f hevc</c> or <c>-f h264</c> writes) into access units, the
/// way H.265 §7.4.2.4.4 and H.264 §7.4.1.2.3 define their first NAL units: after a picture's slices, a new access
/// unit starts with the first delimiter, parameter set or prefix SEI, or with a slice that is its picture's first
/// (HEVC first_slice_segment_in_pic_flag = 1, H.264 first_mb_in_slice = 0). Enough for encoder output; it does not
/// handle H.264 redundant pictures or HEVC layers above 0.
/// </summary>
public static class AccessUnitSplitter
{
    public sealed record AccessUnit(int Offset, byte[] Data, bool Keyframe);

    public static List<AccessUnit> Split(byte[] stream, VideoCodec codec)
    {
        var units = new List<AccessUnit>();
        int unitStart = -1;
        bool sawSlice = false;
        bool keyframe = false;
        foreach (int nal in NalStarts(stream))
        {
            int header = nal + AnnexB.StartCodeLength(stream.AsSpan(nal));
            (bool slice, bool firstSlice, bool opensUnit, bool random) = Classify(stream, header, codec);
            if (unitStart >= 0 && sawSlice && (opensUnit || firstSlice))
            {
                units.Add(new AccessUnit(unitStart, stream[unitStart..nal], keyframe));
                unitStart = -1;
            }
            if (unitStart < 0)
            {
                unitStart = nal;
                sawSlice = false;
                keyframe = false;
            }
            sawSlice |= slice;
            keyframe |= random;
        }
        if (unitStart >= 0)
            units.Add(new AccessUnit(unitStart, stream[unitStart..], keyframe));
        return units;
    }

    /// <summary>
    /// Offsets of every start code, a leading zero_byte included (00 00 00 01 counts from its first zero), so that
    /// cutting at them keeps each NAL unit's start code with it.
    /// </summary>
    static IEnumerable<int> NalStarts(byte[] stream)
    {
        for (int i = 0; i + 3 <= stream.Length; i++)
        {
            if (stream[i] != 0 || stream[i + 1] != 0 || stream[i + 2] != 1)
                continue;
            yield return i > 0 && stream[i - 1] == 0 ? i - 1 : i;
            i += 2;
        }
    }

    static (bool Slice, bool FirstSlice, bool OpensUnit, bool RandomAccess) Classify(byte[] stream, int header, VideoCodec codec)
    {
        if (codec == VideoCodec.Hevc)
        {
            int type = (stream[header] >> 1) & 0x3F;
            bool slice = type <= 31;
            // Delimiter, VPS, SPS, PPS, prefix SEI and the reserved types that H.265 lets open an access unit.
            bool opens = type is >= 32 and <= 35 or 39 or (>= 41 and <= 44) or (>= 48 and <= 55);
            bool first = slice && (stream[header + 2] & 0x80) != 0; // first_slice_segment_in_pic_flag
            return (slice, first, opens, type is >= 16 and <= 23); // IRAP: BLA, IDR, CRA
        }
        else
        {
            int type = stream[header] & 0x1F;
            bool slice = type is >= 1 and <= 5;
            bool opens = type is 6 or 7 or 8 or 9 or (>= 14 and <= 18);
            bool first = slice && (stream[header + 1] & 0x80) != 0; // ue(v) first_mb_in_slice is 0 when its first bit is 1
            return (slice, first, opens, type == 5);
        }
    }
}
