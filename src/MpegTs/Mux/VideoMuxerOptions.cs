namespace Ristbond.MpegTs;

/// <summary>The video coding a muxed stream carries; it decides the PMT stream_type and the delimiter NAL unit.</summary>
public enum VideoCodec
{
    /// <summary>H.265/HEVC (13818-1 stream_type 0x24).</summary>
    Hevc,
    /// <summary>H.264/AVC (13818-1 stream_type 0x1B).</summary>
    H264,
    /// <summary>
    /// vicodec's FWHT, a test codec 13818-1 has no stream type for: PES private data (stream_type 0x06) marked by a
    /// registration descriptor 'FWHT', one frame per PES. Only for checking the encoder path on the emulated board.
    /// </summary>
    Fwht,
}

/// <summary>
/// Everything a <see cref="VideoMuxer"/> can be told, with defaults that make a stream FFmpeg, VLC and broadcast
/// decoders accept. Times are <see cref="TimeSpan"/>s here and 90 kHz ticks inside the muxer.
/// </summary>
public sealed record VideoMuxerOptions
{
    /// <summary>FFmpeg's default elementary PID, so captures look familiar next to its output.</summary>
    public const int DefaultVideoPid = 0x0100;
    /// <summary>FFmpeg's default PMT PID.</summary>
    public const int DefaultPmtPid = 0x1000;
    /// <summary>PIDs 0x0000–0x000F are reserved for tables (PAT, CAT, …) and 0x1FFF is the null PID.</summary>
    public const int MinPid = 0x0010;
    public const int MaxPid = 0x1FFE;

    public required VideoCodec Codec { get; init; }

    public int VideoPid { get; init; } = DefaultVideoPid;
    public int PmtPid { get; init; } = DefaultPmtPid;
    public int ProgramNumber { get; init; } = Psi.DefaultProgramNumber;

    /// <summary>
    /// How far the PCR runs behind each access unit's DTS: the time a decoder holds a frame's first byte before it
    /// must decode it. It has to cover the longest a frame can take to arrive — the encoder's VBV buffer delay at the
    /// rate packets are sent — or a hardware decoder's buffer runs dry on a large keyframe. 700 ms is FFmpeg's
    /// default mux delay, so receivers see what they are used to; an encoder with a small VBV buffer can go lower
    /// and take that much latency off the far end.
    /// </summary>
    public TimeSpan PcrOffset { get; init; } = TimeSpan.FromMilliseconds(700);

    /// <summary>Longest gap between PCRs (DVB's limit, 40 ms; 13818-1 allows 100 ms).</summary>
    public TimeSpan PcrInterval { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Longest gap between PAT/PMT pairs: a receiver joining mid-stream waits at most this long for them.</summary>
    public TimeSpan TableInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The registration descriptor's format_identifier for FWHT: the four characters 'FWHT'.</summary>
    public const uint FwhtFormatIdentifier = 0x46574854;

    /// <summary>The PMT stream_type for <see cref="Codec"/>.</summary>
    public byte StreamType => Codec switch
    {
        VideoCodec.Hevc => 0x24,
        VideoCodec.H264 => 0x1B,
        _ => 0x06, // PES packets containing private data
    };

    /// <summary>The format_identifier of the registration descriptor the PMT gives the stream; 0 for none.</summary>
    public uint FormatIdentifier => Codec == VideoCodec.Fwht ? FwhtFormatIdentifier : 0;

    /// <summary>Throws, naming the setting, if these options cannot make a valid stream.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Codec))
            throw new ArgumentOutOfRangeException(nameof(Codec), Codec, "Could not use the video codec: it is not HEVC, H.264 or FWHT");
        CheckPid(VideoPid, nameof(VideoPid));
        CheckPid(PmtPid, nameof(PmtPid));
        if (VideoPid == PmtPid)
            throw new ArgumentException($"Could not use video PID 0x{VideoPid:X}: it is also the PMT PID", nameof(VideoPid));
        if (ProgramNumber is < 1 or > 0xFFFF)
            throw new ArgumentOutOfRangeException(nameof(ProgramNumber), ProgramNumber, "Could not use the program number: it must be 1–65535 (0 names the network PID)");
        if (PcrOffset < TimeSpan.Zero || PcrOffset > TimeSpan.FromSeconds(10))
            throw new ArgumentOutOfRangeException(nameof(PcrOffset), PcrOffset, "Could not use the PCR offset: it must be 0–10 s (13818-1 caps a frame's wait in the decoder buffer at 10 s)");
        if (PcrInterval <= TimeSpan.Zero || PcrInterval > TimeSpan.FromMilliseconds(100))
            throw new ArgumentOutOfRangeException(nameof(PcrInterval), PcrInterval, "Could not use the PCR interval: it must be above 0 and at most 100 ms (13818-1)");
        if (TableInterval <= TimeSpan.Zero || TableInterval > TimeSpan.FromMilliseconds(500))
            throw new ArgumentOutOfRangeException(nameof(TableInterval), TableInterval, "Could not use the table interval: it must be above 0 and at most 500 ms (TR 101 290)");
    }

    static void CheckPid(int pid, string name)
    {
        if (pid is < MinPid or > MaxPid)
            throw new ArgumentOutOfRangeException(name, pid, $"Could not use PID 0x{pid:X}: it must be 0x{MinPid:X}–0x{MaxPid:X}");
    }
}
