using System.Globalization;
using System.Text;
using Ristbond.Platform;

namespace Ristbond.Video;

// Parameters and forced keyframes. Every setting goes through x265_param_parse by its CLI name, so nothing here
// depends on the layout of x265_param.
//
// Rate: ABR with vbv-maxrate = bitrate and vbv-bufsize = bitrate x the latency budget (CBR-like). The VBV model is a
// buffer drained at the bitrate: x265 sizes every frame so that it never overflows, so a pacer sending at the
// bitrate never holds more than the budget, and no access unit is larger than the budget's worth of bits.
//
// Intra refresh (x265 3.5, read from its source: Encoder::calcRefreshInterval, Analysis::compressCTU): after the
// first IDR no scheduled keyframe is made (scenecut is off too); every keyint frames a refresh starts, and each P
// frame codes the next ceil(columns / keyint) CTU columns as intra, so the sweep takes min(keyint, columns) frames
// (40 at 720p with 32-pixel CTUs). Motion vectors and merge candidates of the refreshed area are kept from
// pointing right of the previous frame's refresh column. x265 writes VPS/SPS/PPS with the first frame of each
// sweep when repeat-headers is on, and no recovery point SEI (only at IDRs, and only with --idr-recovery-sei).
// Two things x265 leaves to the caller, found with ffmpeg decoding a copy of the stream cut mid-way (a receiver
// that joins late) against the full decode (X265IntraRefreshTests):
// - temporal MV prediction: a decoder that joins has no motion field for the frame before it, so merge candidates
//   taken from it differ from the encoder's and the error spreads over the whole picture; temporal-mvp=0.
// - intra prediction from inter-coded neighbours: the refresh column's top-right neighbour is not refreshed yet;
//   constrained-intra=1 keeps intra blocks to intra neighbours.
// Without both, the joined decoder's picture stayed at 10-27 dB PSNR for 8 s; with both it is clean (> 40 dB,
// then 55-70 dB). Not after the first sweep, though: x265 3.5 bounds a refreshed block's motion vector by the
// block's left edge only, so on moving content a block just left of the refresh column still reads up to its own
// width into the unrefreshed area. The second sweep after the join finds that area refreshed and cleans up: a
// receiver that joins has a clean picture within two refresh periods plus one sweep (54 frames after joining with a
// 30-frame period at 640x360 in the test). A periodic IDR gives one within one interval, at the cost of the burst.
// Parameter sets go with every access unit (ParameterSetRepeater), not only with each sweep's first frame, so a
// receiver that joins decodes from its first access unit instead of waiting up to a period for them.
public sealed unsafe partial class X265Encoder
{
    public const long MinimumBitrate = 32_000;
    public const long HighestMaximumBitrate = 60_000_000; // HEVC level 5.2 Main tier

    public const int MaximumLatencyBudgetMilliseconds = 1000;

    long _targetBitrate;
    int _keyframeRequested;

    public long TargetBitrate => Volatile.Read(ref _targetBitrate);

    /// <summary>Clamped to <see cref="MinimumBitrate"/>..<see cref="X265EncoderOptions.MaximumBitrate"/>.</summary>
    public void SetBitrate(long bitsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bitsPerSecond);
        bitsPerSecond = Math.Clamp(bitsPerSecond, MinimumBitrate, _options.MaximumBitrate);
        Volatile.Write(ref _targetBitrate, bitsPerSecond);
    }

    public void ForceKeyframe() => Interlocked.Exchange(ref _keyframeRequested, 1);

    static void CheckOptions(VideoFormat format, X265EncoderOptions options)
    {
        if (options.Preset is not ("ultrafast" or "superfast"))
            throw new ArgumentException($"x265 preset '{options.Preset}' is not supported: use ultrafast or superfast", nameof(options));
        if (options.MaximumBitrate is < MinimumBitrate or > HighestMaximumBitrate)
            throw new ArgumentException($"Maximum bitrate {options.MaximumBitrate} bit/s is outside {MinimumBitrate}..{HighestMaximumBitrate}", nameof(options));
        if (options.InitialBitrate < MinimumBitrate || options.InitialBitrate > options.MaximumBitrate)
            throw new ArgumentException($"Initial bitrate {options.InitialBitrate} bit/s is outside {MinimumBitrate}..{options.MaximumBitrate}", nameof(options));
        if (options.KeyframeIntervalSeconds <= 0 || options.WorkerThreads < 0)
            throw new ArgumentException("Keyframe interval must be positive and worker threads not negative", nameof(options));
        // Below one frame interval x265 raises the buffer to one frame on its own (and says so); above a second the
        // budget is no budget for a live stream.
        int frameMilliseconds = (int)Math.Ceiling(1000 / format.FramesPerSecond);
        if (options.LatencyBudgetMilliseconds < frameMilliseconds || options.LatencyBudgetMilliseconds > MaximumLatencyBudgetMilliseconds)
        {
            throw new ArgumentException(
                $"Latency budget {options.LatencyBudgetMilliseconds} ms is outside {frameMilliseconds}..{MaximumLatencyBudgetMilliseconds} ms (one frame at {format.FramesPerSecond:0.##} fps to one second)",
                nameof(options));
        }
    }

    /// <summary>Parameters for <paramref name="format"/> with <paramref name="options"/>, at <paramref name="bitsPerSecond"/>.</summary>
    static X265ParamHandle CreateParameters(VideoFormat format, X265EncoderOptions options, long bitsPerSecond)
    {
        X265ParamHandle param = Interop.X265.x265_param_alloc();
        if (param.IsInvalid)
            throw new OutOfMemoryException("Could not allocate an x265_param");
        try
        {
            fixed (byte* preset = Terminated(options.Preset))
            fixed (byte* tune = "zerolatency\0"u8)
            {
                if (Interop.X265.x265_param_default_preset(param, preset, tune) != 0)
                    throw new ArgumentException($"x265 does not know preset '{options.Preset}' with tune zerolatency", nameof(options));
            }
            int level = HevcLevel.Choose(format, options.MaximumBitrate);
            if (level == 0)
                throw new ArgumentException($"No HEVC level holds {format} at {options.MaximumBitrate} bit/s", nameof(options));
            int keyint = KeyframeInterval(format, options);
            Set(param, "log-level\0"u8, options.LogLevel);
            Set(param, "input-res\0"u8, $"{format.Width}x{format.Height}");
            Set(param, "input-csp\0"u8, "i420");
            Set(param, "fps\0"u8, $"{format.FrameRateNumerator}/{format.FrameRateDenominator}");
            Set(param, "level-idc\0"u8, level);
            Set(param, "keyint\0"u8, keyint);
            Set(param, "min-keyint\0"u8, keyint);
            Set(param, "bframes\0"u8, 0);
            Set(param, "open-gop\0"u8, 0);      // IDR, not CRA: any decoder can join at any keyframe
            Set(param, "repeat-headers\0"u8, 1); // VPS/SPS/PPS before each keyframe (or sweep), for receivers that join late
            if (options.IntraRefresh)
            {
                // See the note at the top: the sweep alone does not clean a joined decoder's picture.
                Set(param, "intra-refresh\0"u8, 1);
                Set(param, "temporal-mvp\0"u8, 0);
                Set(param, "constrained-intra\0"u8, 1);
            }
            Set(param, "annexb\0"u8, 1);
            Set(param, "aud\0"u8, 1);            // MPEG-TS wants an access unit delimiter first in each access unit
            Set(param, "info\0"u8, 0);           // no 1-2 KB SEI with the encoder's settings in the first frame
            Set(param, "hrd\0"u8, 0);            // HRD SEI would lock the VBV settings (see the note at the top)
            if (options.WorkerThreads > 0)
                Set(param, "pools\0"u8, options.WorkerThreads);
            SetRate(param, bitsPerSecond, options.LatencyBudgetMilliseconds);
            return param;
        }
        catch
        {
            param.Dispose();
            throw;
        }
    }

    static int KeyframeInterval(VideoFormat format, X265EncoderOptions options) =>
        Math.Max(1, (int)Math.Round(options.KeyframeIntervalSeconds * format.FramesPerSecond));

    /// <summary>Average bitrate and VBV max rate equal (x265 then runs CBR-like ABR), buffer = rate x budget. Allocates nothing.</summary>
    static void SetRate(X265ParamHandle param, long bitsPerSecond, int budgetMilliseconds)
    {
        long kbps = Kbps(bitsPerSecond);
        long bufferKbits = Math.Max(1, kbps * budgetMilliseconds / 1000);
        Set(param, "bitrate\0"u8, kbps);
        Set(param, "vbv-maxrate\0"u8, kbps);
        Set(param, "vbv-bufsize\0"u8, bufferKbits);
    }

    /// <summary>x265 takes rates in kbit/s.</summary>
    static long Kbps(long bitsPerSecond) => Math.Max(1, (bitsPerSecond + 500) / 1000);

    static void Set(X265ParamHandle param, ReadOnlySpan<byte> name, long value)
    {
        Span<byte> text = stackalloc byte[24];
        value.TryFormat(text, out int length, provider: CultureInfo.InvariantCulture);
        text[length] = 0;
        Set(param, name, text);
    }

    static void Set(X265ParamHandle param, ReadOnlySpan<byte> name, string value) => Set(param, name, Terminated(value));

    static void Set(X265ParamHandle param, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        int result;
        fixed (byte* n = name)
        fixed (byte* v = value)
            result = Interop.X265.x265_param_parse(param, n, v);
        if (result != 0)
        {
            string what = result == Interop.X265.X265_PARAM_BAD_NAME ? "unknown name" : "bad value";
            throw new ArgumentException(
                $"Could not set x265 parameter {Encoding.ASCII.GetString(name[..^1])}={Encoding.ASCII.GetString(value[..value.IndexOf((byte)0)])}: {what}");
        }
    }

    static byte[] Terminated(string text) => Encoding.ASCII.GetBytes(text + "\0");
}
