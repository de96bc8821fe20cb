using System.Globalization;
using System.Text;
using Ristbond.Platform;

namespace Ristbond.Video;

// Parameters, live bitrate and forced keyframes. Every setting goes through x265_param_parse by its CLI name,
// so nothing here depends on the layout of x265_param.
//
// What x265_encoder_reconfig does with a rate change (x265 3.5, encoder/api.cpp and Encoder::reconfigureParam):
// - When bitrate, vbv-maxrate, vbv-bufsize or crf differ from the encoder's latest parameters it is a rate-control
//   reconfigure and ONLY those four are copied; anything else in the struct is ignored in that call.
// - VBV cannot be switched on or off live: the new vbv-maxrate/vbv-bufsize are taken only when VBV was on at open
//   and stays on, so the encoder is always opened with VBV. With HRD SEI on, VBV changes are refused (hrd is off).
// - It returns 1 while an earlier reconfigure has not reached a frame yet; the request is then kept and tried at
//   the next frame. The change is taken into RateControl::reconfigureRC when the next frame leaves the lookahead,
//   which under zerolatency is the frame encoded in the same call.
// - A change that would move the profile/level/tier is dropped with a warning (not at the bitrates used here).
// How fast the output follows is measured by X265BitrateTests (see the report in that file).
public sealed unsafe partial class X265Encoder
{
    const long MinimumBitrate = 32_000;
    const long MaximumBitrate = 400_000_000;

    long _targetBitrate;
    long _pendingBitrate;
    int _keyframeRequested;

    public long TargetBitrate => Volatile.Read(ref _targetBitrate);

    public void SetBitrate(long bitsPerSecond)
    {
        if (bitsPerSecond is < MinimumBitrate or > MaximumBitrate)
            throw new ArgumentOutOfRangeException(nameof(bitsPerSecond), bitsPerSecond, $"Bitrate must be between {MinimumBitrate} and {MaximumBitrate} bit/s");
        Volatile.Write(ref _targetBitrate, bitsPerSecond);
        Interlocked.Exchange(ref _pendingBitrate, bitsPerSecond);
    }

    public void ForceKeyframe() => Interlocked.Exchange(ref _keyframeRequested, 1);

    /// <summary>On the encoding thread, before a frame: hands the latest requested bitrate to x265, if any.</summary>
    void ApplyPendingBitrate()
    {
        long requested = Interlocked.Exchange(ref _pendingBitrate, 0);
        if (requested == 0)
            return;
        SetRate(_param, requested, _options.VbvBufferSeconds);
        int result = Interop.X265.x265_encoder_reconfig(_encoder, _param);
        if (result == 1)
        {
            // The previous change has not reached a frame yet: keep this one for the next frame unless a newer came.
            Interlocked.CompareExchange(ref _pendingBitrate, requested, 0);
        }
        else if (result < 0)
        {
            throw new RistbondException($"Could not change the x265 bitrate to {requested} bit/s: x265_encoder_reconfig returned {result}", ExitCodes.RuntimeFailure);
        }
    }

    static void CheckOptions(X265EncoderOptions options)
    {
        if (options.Preset is not ("ultrafast" or "superfast"))
            throw new ArgumentException($"x265 preset '{options.Preset}' is not supported: use ultrafast or superfast", nameof(options));
        if (options.InitialBitrate is < MinimumBitrate or > MaximumBitrate)
            throw new ArgumentException($"Initial bitrate {options.InitialBitrate} bit/s is outside {MinimumBitrate}..{MaximumBitrate}", nameof(options));
        if (options.KeyframeIntervalSeconds <= 0 || options.VbvBufferSeconds <= 0 || options.WorkerThreads < 0)
            throw new ArgumentException("Keyframe interval and VBV buffer must be positive, worker threads not negative", nameof(options));
    }

    static X265ParamHandle CreateParameters(VideoFormat format, X265EncoderOptions options)
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
            int keyint = Math.Max(1, (int)Math.Round(options.KeyframeIntervalSeconds * format.FramesPerSecond));
            Set(param, "log-level\0"u8, options.LogLevel);
            Set(param, "input-res\0"u8, $"{format.Width}x{format.Height}");
            Set(param, "input-csp\0"u8, "i420");
            Set(param, "fps\0"u8, $"{format.FrameRateNumerator}/{format.FrameRateDenominator}");
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
            SetRate(param, options.InitialBitrate, options.VbvBufferSeconds);
            return param;
        }
        catch
        {
            param.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Average bitrate and VBV max rate equal (x265 then runs CBR-like ABR), buffer proportional to the rate.
    /// Allocation-free: it runs on the frame path when the bitrate changes.
    /// </summary>
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
