using System.Globalization;

namespace Ristbond.Platform;

/// <summary>Parsing and printing of the quantities users type: bit rates with k/M/G suffixes and durations with units.</summary>
public static class Units
{
    /// <summary>"8M", "500k", "2.5M", "1500000", "8Mbps" → bits per second. Returns false on anything else.</summary>
    public static bool TryParseBitrate(ReadOnlySpan<char> text, out long bitsPerSecond)
    {
        bitsPerSecond = 0;
        text = text.Trim();
        if (text.EndsWith("bps", StringComparison.OrdinalIgnoreCase))
            text = text[..^3].TrimEnd(); // "8 Mbps", as FormatBitrate prints it
        if (text.EndsWith("bps", StringComparison.OrdinalIgnoreCase))
            text = text[..^3];
        double multiplier = 1;
        if (!text.IsEmpty)
        {
            switch (text[^1])
            {
                case 'k' or 'K': multiplier = 1e3; text = text[..^1].TrimEnd(); break;
                case 'm' or 'M': multiplier = 1e6; text = text[..^1].TrimEnd(); break;
                case 'g' or 'G': multiplier = 1e9; text = text[..^1].TrimEnd(); break;
            }
        }
        // double.TryParse takes "NaN" and "Infinity" whatever the styles; a rate must be a finite number.
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            return false;
        double bits = value * multiplier;
        if (bits is < 0 or > 1e12)
            return false;
        bitsPerSecond = (long)Math.Round(bits);
        return true;
    }

    /// <summary>"30ms", "1.5s", "250us", "2m"; a bare number is taken in <paramref name="bareUnit"/>.</summary>
    public static bool TryParseDuration(ReadOnlySpan<char> text, out TimeSpan duration, string bareUnit = "ms")
    {
        duration = default;
        text = text.Trim();
        int unitStart = text.Length;
        while (unitStart > 0 && char.IsAsciiLetter(text[unitStart - 1]))
            unitStart--;
        ReadOnlySpan<char> unit = unitStart == text.Length ? bareUnit : text[unitStart..];
        if (!double.TryParse(text[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || value < 0)
            return false;
        double? seconds = unit switch
        {
            "us" => value / 1e6,
            "ms" => value / 1e3,
            "s" => value,
            "m" or "min" => value * 60,
            _ => null,
        };
        if (seconds is not double s || s > TimeSpan.MaxValue.TotalSeconds / 2)
            return false;
        duration = TimeSpan.FromSeconds(s);
        return true;
    }

    /// <summary>Bits per second the way broadcast engineers read them: "8.5 Mbps", "640 kbps".</summary>
    public static string FormatBitrate(double bitsPerSecond) => Math.Round(bitsPerSecond) switch
    {
        >= 999_995_000 => string.Create(CultureInfo.InvariantCulture, $"{bitsPerSecond / 1e9:0.##} Gbps"),
        >= 999_995 => string.Create(CultureInfo.InvariantCulture, $"{bitsPerSecond / 1e6:0.##} Mbps"),
        >= 999.95 => string.Create(CultureInfo.InvariantCulture, $"{bitsPerSecond / 1e3:0.#} kbps"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bitsPerSecond:0} bps"),
    };
}
