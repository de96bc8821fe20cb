namespace Ristbond.Video;

/// <summary>
/// Keeps the latest parameter sets of an Annex-B HEVC or H.264 stream (VPS/SPS/PPS, SPS/PPS) and puts a copy into
/// every access unit that has none, right after its delimiter. With intra refresh there is no IDR after the first
/// frame, so without this a receiver that joins late would wait for the next refresh period's headers (or forever,
/// where the encoder writes them only with IDRs) before it could decode anything: with it, a receiver decodes from
/// the first access unit it gets, and the refresh cleans its picture from there.
/// Only the NAL units before the first slice are looked at. One thread; the buffers grow to the largest access
/// unit and are then reused, so a steady stream allocates nothing.
/// </summary>
public sealed class ParameterSetRepeater
{
    readonly bool _hevc;
    byte[] _cached = new byte[256];
    int _cachedLength;
    byte[] _output;

    /// <param name="hevc">H.265 NAL unit types; false for H.264.</param>
    /// <param name="expectedAccessUnitBytes">The output buffer's first size: the largest access unit expected.</param>
    public ParameterSetRepeater(bool hevc, int expectedAccessUnitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedAccessUnitBytes);
        _hevc = hevc;
        _output = new byte[expectedAccessUnitBytes + _cached.Length];
    }

    /// <summary>Access units that went out with parameter sets copied in.</summary>
    public long Inserted { get; private set; }

    /// <summary>
    /// <paramref name="accessUnit"/> itself if it carries parameter sets (they are cached) or none were seen yet;
    /// otherwise a copy with the cached ones after its delimiter, valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Complete(ReadOnlySpan<byte> accessUnit)
    {
        int insertAt = 0;
        bool cachedThisOne = false;
        int nal = NextNal(accessUnit, 0, out int header);
        bool first = true;
        while (nal >= 0)
        {
            int type = NalType(accessUnit[header]);
            int next = NextNal(accessUnit, header + 1, out int nextHeader);
            int end = next < 0 ? accessUnit.Length : next;
            if (IsSlice(type))
                break;
            if (first && IsDelimiter(type))
                insertAt = end;
            else if (IsParameterSet(type))
            {
                if (!cachedThisOne)
                    _cachedLength = 0;
                cachedThisOne = true;
                Cache(accessUnit[nal..end]);
            }
            first = false;
            nal = next;
            header = nextHeader;
        }
        if (cachedThisOne || _cachedLength == 0)
            return accessUnit;

        int length = accessUnit.Length + _cachedLength;
        if (_output.Length < length)
            _output = new byte[length + length / 4];
        accessUnit[..insertAt].CopyTo(_output);
        _cached.AsSpan(0, _cachedLength).CopyTo(_output.AsSpan(insertAt));
        accessUnit[insertAt..].CopyTo(_output.AsSpan(insertAt + _cachedLength));
        Inserted++;
        return _output.AsSpan(0, length);
    }

    void Cache(ReadOnlySpan<byte> nalWithStartCode)
    {
        if (_cached.Length < _cachedLength + nalWithStartCode.Length)
            Array.Resize(ref _cached, (_cachedLength + nalWithStartCode.Length) * 2);
        nalWithStartCode.CopyTo(_cached.AsSpan(_cachedLength));
        _cachedLength += nalWithStartCode.Length;
    }

    int NalType(byte header) => _hevc ? (header >> 1) & 0x3F : header & 0x1F;

    bool IsSlice(int type) => _hevc ? type <= 31 : type is >= 1 and <= 5;

    bool IsDelimiter(int type) => type == (_hevc ? 35 : 9);

    bool IsParameterSet(int type) => _hevc ? type is 32 or 33 or 34 : type is 7 or 8;

    /// <summary>
    /// Where the NAL unit whose start code begins at or after <paramref name="from"/> starts (its zero_byte included
    /// when the start code has four bytes), with <paramref name="header"/> at its first header byte; -1 if none.
    /// </summary>
    static int NextNal(ReadOnlySpan<byte> data, int from, out int header)
    {
        for (int i = from; i + 3 < data.Length; i++)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1)
            {
                header = i + 3;
                return i > from && data[i - 1] == 0 ? i - 1 : i;
            }
        }
        header = -1;
        return -1;
    }
}
