using System.Globalization;
using Ristbond.Platform;
using Ristbond.Video;
using Ristbond.Video.V4l2;

namespace Ristbond.Ingest;

/// <summary>How ristbond encodes video it captures or draws itself (<c>-i pattern</c>): size, rate, encoder, bit rates.</summary>
public sealed record VideoInputOptions
{
    public int Width { get; init; } = 1280;
    public int Height { get; init; } = 720;
    public int FrameRateNumerator { get; init; } = 30;
    public int FrameRateDenominator { get; init; } = 1;
    public VideoEncoderChoice Encoder { get; init; } = VideoEncoderChoice.Auto;
    /// <summary>The encoder's bit rate at start; the control loop moves it from there.</summary>
    public long InitialBitrateBps { get; init; } = 4_000_000;
    /// <summary>The highest the control loop may set (fixes the stream's level).</summary>
    public long MaxBitrateBps { get; init; } = 20_000_000;
    /// <summary>
    /// The latency budget the encoder's VBV is sized to (bitrate x budget), the same budget the pacer holds the
    /// stream to; see <see cref="VideoEncoderSettings.LatencyBudgetMilliseconds"/>. Default 200 ms.
    /// </summary>
    public int LatencyBudgetMilliseconds { get; init; } = X265EncoderOptions.DefaultLatencyBudgetMilliseconds;
    /// <summary>
    /// Periodic intra refresh instead of periodic IDR keyframes where the encoder offers it (default on); see
    /// <see cref="VideoEncoderSettings.IntraRefresh"/>.
    /// </summary>
    public bool IntraRefresh { get; init; } = true;
    /// <summary>
    /// A V4L2 encoder named in <see cref="Encoder"/> may produce vicodec's FWHT, sent as private data (send
    /// <c>--allow-fwht</c>: a test of the encoder path on the emulated board; no standard receiver decodes it).
    /// </summary>
    public bool AllowFwht { get; init; }
    /// <summary>
    /// The V4L2 devices <c>--encoder auto</c> chooses from; null asks every /dev/videoN (the default). A seam for
    /// machines without the hardware: tests name devices here, and opening them runs against the real kernel.
    /// </summary>
    public IReadOnlyList<V4l2DeviceInfo>? EncoderDevices { get; init; }

    /// <summary>"WIDTHxHEIGHT", both even and at least 16; throws naming --video-size.</summary>
    public static (int Width, int Height) ParseSize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().ToLowerInvariant().Split('x');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int height)
            && width is >= 16 and <= 8192 && height is >= 16 and <= 4320 && width % 2 == 0 && height % 2 == 0)
        {
            return (width, height);
        }
        throw new RistbondException($"--video-size '{text}': expected WIDTHxHEIGHT, both even, from 16x16 to 8192x4320 (e.g. 1280x720)");
    }

    /// <summary>"30", "25", "29.97" or "30000/1001"; throws naming --fps.</summary>
    public static (int Numerator, int Denominator) ParseFrameRate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        int slash = trimmed.IndexOf('/');
        if (slash > 0
            && int.TryParse(trimmed.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int numerator)
            && int.TryParse(trimmed.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int denominator)
            && denominator > 0 && numerator / (double)denominator is >= 1 and <= 120)
        {
            return (numerator, denominator);
        }
        if (slash < 0 && double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double fps) && fps is >= 1 and <= 120)
        {
            return Math.Abs(fps - Math.Round(fps)) < 1e-9 ? ((int)Math.Round(fps), 1) : ((int)Math.Round(fps * 1001), 1001);
        }
        throw new RistbondException($"--fps '{text}': expected a frame rate from 1 to 120 (e.g. 30, 25, 29.97 or 30000/1001)");
    }
}
