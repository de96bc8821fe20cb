namespace Ristbond.Video;

/// <summary>
/// The HEVC Main-tier level a stream is declared at. x265 derives the level from vbv-maxrate; a live rate
/// change that moves the derived level is refused ("Profile/Level/Tier has changed ... Cannot reconfigure
/// rate-control"), silently at our log level. So the level is chosen once, for the highest bitrate the encoder
/// will ever be asked for, and pinned with level-idc: any lower rate then fits the same level.
/// </summary>
public static class HevcLevel
{
    // ITU-T H.265 Table A.8 (Main tier): level × 10, MaxLumaPs, MaxLumaSr (samples/s), MaxBR = MaxCPB (kbit/s).
    static ReadOnlySpan<long> Table =>
    [
        10, 36_864, 552_960, 128,
        20, 122_880, 3_686_400, 1_500,
        21, 245_760, 7_372_800, 3_000,
        30, 552_960, 16_588_800, 6_000,
        31, 983_040, 33_177_600, 10_000,
        40, 2_228_224, 66_846_720, 12_000,
        41, 2_228_224, 133_693_440, 20_000,
        50, 8_912_896, 267_386_880, 25_000,
        51, 8_912_896, 534_773_760, 40_000,
        52, 8_912_896, 1_069_547_520, 60_000,
    ];

    /// <summary>
    /// The lowest level (as level-idc, e.g. 31 for 3.1) whose picture size, sample rate and Main-tier bitrate hold
    /// <paramref name="format"/> at <paramref name="maximumBitrate"/>; 0 if none does (x265 then picks its own).
    /// </summary>
    public static int Choose(VideoFormat format, long maximumBitrate)
    {
        ArgumentNullException.ThrowIfNull(format);
        long lumaSamples = (long)format.Width * format.Height;
        double samplesPerSecond = lumaSamples * format.FramesPerSecond;
        long kbps = (maximumBitrate + 999) / 1000;
        for (int i = 0; i < Table.Length; i += 4)
        {
            long maxLumaSamples = Table[i + 1];
            // The spec also bounds each side at sqrt(8 × MaxLumaPs), so a very wide picture needs a higher level.
            double maxSide = Math.Sqrt(maxLumaSamples * 8.0);
            if (lumaSamples <= maxLumaSamples && format.Width <= maxSide && format.Height <= maxSide
                && samplesPerSecond <= Table[i + 2] && kbps <= Table[i + 3])
            {
                return (int)Table[i];
            }
        }
        return 0;
    }
}
