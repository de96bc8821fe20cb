using Ristbond.Platform;

namespace Ristbond.Video;

/// <summary>Which encoder mechanism <c>--encoder</c> names.</summary>
public enum VideoEncoderKind
{
    /// <summary>A hardware encoder where one is found, else software.</summary>
    Auto,
    /// <summary>libx265 in software (<see cref="X265Encoder"/>).</summary>
    X265,
}

/// <summary>An <c>--encoder</c> value, checked for form before anything is opened.</summary>
public sealed record VideoEncoderChoice(VideoEncoderKind Kind, string Text)
{
    public const string Usage = "x265 or auto";

    public static VideoEncoderChoice Auto { get; } = new(VideoEncoderKind.Auto, "auto");

    /// <summary>Throws a <see cref="RistbondException"/> naming the option and the value it cannot use.</summary>
    public static VideoEncoderChoice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant() switch
        {
            "auto" or "" => Auto,
            "x265" or "libx265" or "software" => new(VideoEncoderKind.X265, text),
            _ => throw new RistbondException($"--encoder '{text}': unknown encoder (use {Usage})"),
        };
    }
}

/// <summary>What every encoder is opened with, whatever its mechanism.</summary>
public sealed record VideoEncoderSettings
{
    /// <summary>Bits per second at open; <see cref="IVideoEncoder.SetBitrate"/> changes it while streaming.</summary>
    public required long InitialBitrate { get; init; }

    /// <summary>The highest bitrate the encoder will be set to; it fixes the stream's declared level.</summary>
    public required long MaximumBitrate { get; init; }

    /// <summary>Seconds between IDR pictures: how long a receiver that joins waits for a picture.</summary>
    public double KeyframeIntervalSeconds { get; init; } = 2.0;
}

/// <summary>
/// The one place an <c>--encoder</c> choice becomes an <see cref="IVideoEncoder"/>. A mechanism is one branch
/// here: the pixel layout it takes natively (so the source delivers frames it needs no conversion for) and how it
/// is opened. <see cref="VideoEncoderKind.Auto"/> takes the first hardware encoder found and falls back to x265.
/// </summary>
public static class VideoEncoderFactory
{
    /// <summary>The raw layout the chosen encoder takes without converting (x265: planar I420).</summary>
    public static PixelFormat PreferredPixelFormat(VideoEncoderChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return choice.Kind switch
        {
            VideoEncoderKind.Auto or VideoEncoderKind.X265 => PixelFormat.I420,
            _ => throw new ArgumentOutOfRangeException(nameof(choice), choice.Kind, "unknown encoder kind"),
        };
    }

    /// <summary>Opens the encoder for <paramref name="format"/>; a missing library or a refused setting is a <see cref="RistbondException"/>.</summary>
    public static IVideoEncoder Open(VideoEncoderChoice choice, VideoFormat format, VideoEncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(settings);
        return choice.Kind switch
        {
            // No hardware encoder is probed yet: auto is software.
            VideoEncoderKind.Auto or VideoEncoderKind.X265 => OpenX265(format, settings),
            _ => throw new ArgumentOutOfRangeException(nameof(choice), choice.Kind, "unknown encoder kind"),
        };
    }

    /// <summary>The mechanism an opened encoder is, as logs and the stats stream name it.</summary>
    public static string NameOf(IVideoEncoder encoder) => encoder switch
    {
        X265Encoder => "x265",
        _ => encoder.GetType().Name,
    };

    static X265Encoder OpenX265(VideoFormat format, VideoEncoderSettings settings)
    {
        long maximum = Math.Clamp(settings.MaximumBitrate, X265Encoder.MinimumBitrate, X265Encoder.HighestMaximumBitrate);
        var options = new X265EncoderOptions
        {
            InitialBitrate = Math.Clamp(settings.InitialBitrate, X265Encoder.MinimumBitrate, maximum),
            MaximumBitrate = maximum,
            KeyframeIntervalSeconds = settings.KeyframeIntervalSeconds,
        };
        return new X265Encoder(format, options);
    }
}
