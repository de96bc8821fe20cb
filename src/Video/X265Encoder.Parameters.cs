using System.Globalization;
using System.Text;
using Ristbond.Platform;

namespace Ristbond.Video;

// Parameters, live bitrate and forced keyframes. Every setting goes through x265_param_parse by its CLI name,
// so nothing here depends on the layout of x265_param.
//
// Why a bitrate change reopens the encoder instead of calling x265_encoder_reconfig (measured with libx265 3.5
// from Debian, X265BitrateTests and a C program doing the same):
// - reconfig treats a change of bitrate, vbv-maxrate, vbv-bufsize or crf as a rate-control reconfigure and copies
//   only those; VBV cannot be switched on or off live, and HRD SEI locks the VBV values.
// - It returns 1 while an earlier reconfigure has not reached a frame; it is taken at the next encoded frame.
// - A change that moves the level x265 derives from vbv-maxrate is dropped after returning 0 ("Profile/Level/Tier
//   has changed ... Cannot reconfigure rate-control"); pinning level-idc avoids that (see HevcLevel).
// - Even then, accepted and consumed, it changed nothing: frame sizes stayed byte-identical after 2000 -> 300 kbit/s
//   (ABR+VBV, ABR alone, zerolatency or not, frame-threads 1 or 2, across keyframes).
// Reopening costs an IDR, so a drop of 10 % or more is applied as soon as the new encoder is open (the links are
// congested now), while a rise or a small change waits for the keyframe that is due anyway, or one that was forced:
// no extra IDR. The reopen itself runs off the frame thread (X265Encoder.Reopen.cs).
public sealed unsafe partial class X265Encoder
{
    public const long MinimumBitrate = 32_000;
    public const long HighestMaximumBitrate = 60_000_000; // HEVC level 5.2 Main tier

    const double ImmediateDropRatio = 0.9;

    long _targetBitrate;
    int _keyframeRequested;
    int _framesSinceKeyframe; // frames output since the last IRAP, counting it
    int _keyframeInterval;

    public long TargetBitrate => Volatile.Read(ref _targetBitrate);

    /// <summary>Clamped to <see cref="MinimumBitrate"/>..<see cref="X265EncoderOptions.MaximumBitrate"/>.</summary>
    public void SetBitrate(long bitsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bitsPerSecond);
        bitsPerSecond = Math.Clamp(bitsPerSecond, MinimumBitrate, _options.MaximumBitrate);
        Volatile.Write(ref _targetBitrate, bitsPerSecond);
    }

    public void ForceKeyframe() => Interlocked.Exchange(ref _keyframeRequested, 1);

    static void CheckOptions(X265EncoderOptions options)
    {
        if (options.Preset is not ("ultrafast" or "superfast"))
            throw new ArgumentException($"x265 preset '{options.Preset}' is not supported: use ultrafast or superfast", nameof(options));
        if (options.MaximumBitrate is < MinimumBitrate or > HighestMaximumBitrate)
            throw new ArgumentException($"Maximum bitrate {options.MaximumBitrate} bit/s is outside {MinimumBitrate}..{HighestMaximumBitrate}", nameof(options));
        if (options.InitialBitrate < MinimumBitrate || options.InitialBitrate > options.MaximumBitrate)
            throw new ArgumentException($"Initial bitrate {options.InitialBitrate} bit/s is outside {MinimumBitrate}..{options.MaximumBitrate}", nameof(options));
        if (options.KeyframeIntervalSeconds <= 0 || options.VbvBufferSeconds is <= 0 or > 1 || options.WorkerThreads < 0)
            throw new ArgumentException("Keyframe interval must be positive, the VBV buffer 0..1 s, worker threads not negative", nameof(options));
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
            Set(param, "repeat-headers\0"u8, 1); // VPS/SPS/PPS before each keyframe, for receivers that join late
            Set(param, "annexb\0"u8, 1);
            Set(param, "aud\0"u8, 1);            // MPEG-TS wants an access unit delimiter first in each access unit
            Set(param, "info\0"u8, 0);           // no 1-2 KB SEI with the encoder's settings in the first frame
            Set(param, "hrd\0"u8, 0);            // HRD SEI would lock the VBV settings (see the note at the top)
            if (options.WorkerThreads > 0)
                Set(param, "pools\0"u8, options.WorkerThreads);
            SetRate(param, bitsPerSecond, options.VbvBufferSeconds);
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

    /// <summary>Average bitrate and VBV max rate equal (x265 then runs CBR-like ABR), buffer proportional to the rate.</summary>
    static void SetRate(X265ParamHandle param, long bitsPerSecond, double bufferSeconds)
    {
        long kbps = Math.Max(1, (bitsPerSecond + 500) / 1000);
        long bufferKbits = Math.Max(1, (long)(kbps * bufferSeconds));
        Set(param, "bitrate\0"u8, kbps);
        Set(param, "vbv-maxrate\0"u8, kbps);
        Set(param, "vbv-bufsize\0"u8, bufferKbits);
    }

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
