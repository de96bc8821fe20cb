using System.Globalization;
using System.Net;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator;

/// <summary>
/// Pure parsers for the values people type into scenario files and on the command line: rates ("8M"),
/// durations ("30ms"), probabilities ("1%") and endpoints ("127.0.0.1:7001"). The Try* forms never throw;
/// the Parse* forms throw a <see cref="RistbondException"/> whose one-line message starts with
/// <c>what</c> (the option or JSON path) and quotes the bad text.
/// </summary>
public static class Units
{
    // Suffixes are decimal (SI), as in tc and every modem datasheet: 1k = 1000 bit/s.
    const double Kilo = 1e3, Mega = 1e6, Giga = 1e9;

    // ---- rates -----------------------------------------------------------------------------------------

    /// <summary>"1500000", "500k", "8M", "2.5M", "1G" (optionally followed by "bps" or "bit/s") → bits per second.</summary>
    public static bool TryParseRate(ReadOnlySpan<char> text, out long bitsPerSecond)
    {
        bitsPerSecond = 0;
        text = text.Trim();
        if (text.EndsWith("bit/s", StringComparison.OrdinalIgnoreCase))
            text = text[..^5];
        else if (text.EndsWith("bps", StringComparison.OrdinalIgnoreCase))
            text = text[..^3];
        if (text.IsEmpty)
            return false;

        double multiplier = 1;
        switch (text[^1])
        {
            case 'k' or 'K': multiplier = Kilo; text = text[..^1]; break;
            case 'm' or 'M': multiplier = Mega; text = text[..^1]; break;
            case 'g' or 'G': multiplier = Giga; text = text[..^1]; break;
        }
        if (!TryParseNonNegative(text, out double number))
            return false;
        double bits = Math.Round(number * multiplier);
        if (bits > long.MaxValue / 2)
            return false;
        bitsPerSecond = (long)bits;
        return true;
    }

    public static long ParseRate(string text, string what) =>
        TryParseRate(text, out long bps)
            ? bps
            : throw Bad(what, text, "is not a rate; expected bits/s as a number or with a k/M/G suffix, like \"8M\", \"500k\", \"2.5M\"");

    /// <summary>Formats bits/s the way people write them: "unlimited", "500k", "2.5M".</summary>
    public static string FormatRate(long bitsPerSecond) => bitsPerSecond switch
    {
        0 => "unlimited",
        >= 1_000_000_000 => (bitsPerSecond / Giga).ToString("0.###", CultureInfo.InvariantCulture) + "G",
        >= 1_000_000 => (bitsPerSecond / Mega).ToString("0.###", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (bitsPerSecond / Kilo).ToString("0.###", CultureInfo.InvariantCulture) + "k",
        _ => bitsPerSecond.ToString(CultureInfo.InvariantCulture),
    };

    // ---- durations -------------------------------------------------------------------------------------

    /// <summary>"30ms", "1.5s", "250us", or a bare number meaning milliseconds → milliseconds.</summary>
    public static bool TryParseDurationMs(ReadOnlySpan<char> text, out double milliseconds)
    {
        milliseconds = 0;
        text = text.Trim();
        double scale = 1;
        if (text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
            text = text[..^2];
        else if (text.EndsWith("us", StringComparison.OrdinalIgnoreCase))
        {
            scale = 1e-3;
            text = text[..^2];
        }
        else if (text.EndsWith("s", StringComparison.OrdinalIgnoreCase))
        {
            scale = 1e3;
            text = text[..^1];
        }
        if (!TryParseNonNegative(text, out double number))
            return false;
        milliseconds = number * scale;
        return true;
    }

    public static double ParseDurationMs(string text, string what) =>
        TryParseDurationMs(text, out double ms)
            ? ms
            : throw Bad(what, text, "is not a duration; expected a number of milliseconds or a value like \"30ms\", \"1.5s\"");

    // ---- probabilities ---------------------------------------------------------------------------------

    /// <summary>"1%" → 0.01, "0.01" → 0.01; must lie in [0, 1].</summary>
    public static bool TryParseProbability(ReadOnlySpan<char> text, out double probability)
    {
        probability = 0;
        text = text.Trim();
        double scale = 1;
        if (text.EndsWith('%'))
        {
            scale = 0.01;
            text = text[..^1];
        }
        if (!TryParseNonNegative(text, out double number))
            return false;
        probability = number * scale;
        return probability <= 1;
    }

    public static double ParseProbability(string text, string what) =>
        TryParseProbability(text, out double p)
            ? p
            : throw Bad(what, text, "is not a probability; expected a fraction in [0, 1] or a percentage like \"1%\"");

    // ---- endpoints -------------------------------------------------------------------------------------

    /// <summary>"127.0.0.1:7001", "[::1]:7001" or "localhost:7001"; port 0 means "pick one".</summary>
    public static bool TryParseEndPoint(ReadOnlySpan<char> text, out IPEndPoint? endPoint)
    {
        endPoint = null;
        text = text.Trim();
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            if (!ushort.TryParse(text["localhost:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out ushort port))
                return false;
            endPoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }
        // IPEndPoint.TryParse accepts a bare address (port 0); we insist on the port being written.
        // An IPv6 address must be bracketed, or "::1" would read as address "::" port 1.
        int colon = text.LastIndexOf(':');
        bool bracketed = text[0] == '[';
        if (colon <= 0 || colon == text.Length - 1 || (bracketed ? text[colon - 1] != ']' : text.IndexOf(':') != colon))
            return false;
        return IPEndPoint.TryParse(text, out endPoint);
    }

    public static IPEndPoint ParseEndPoint(string text, string what) =>
        TryParseEndPoint(text, out IPEndPoint? ep)
            ? ep!
            : throw Bad(what, text, "is not an endpoint; expected \"host:port\" with an IP address or localhost, like \"127.0.0.1:7001\"");

    // ---- helpers ---------------------------------------------------------------------------------------

    static bool TryParseNonNegative(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
        && double.IsFinite(value);

    static RistbondException Bad(string what, string text, string why) => new($"{what}: \"{text}\" {why}");
}
