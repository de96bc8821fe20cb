using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ristbond.Platform;

namespace Ristbond.Rist;

/// <summary>
/// A <c>rist://host:port?param=value&amp;…</c> link URL, checked before librist sees it so that a typo is reported
/// with the option and parameter that hold it. librist's own parameters pass through unchanged; <c>name=</c> is ours
/// and is removed from what librist gets.
/// </summary>
public sealed class RistUrl
{
    /// <summary>librist 0.2.x URL parameters (urlparam.h) and whether their value must be a number.</summary>
    static readonly Dictionary<string, bool> s_libristParameters = new()
    {
        ["buffer"] = true, ["buffer-min"] = true, ["buffer-max"] = true,
        ["rtt"] = true, ["rtt-min"] = true, ["rtt-max"] = true, ["reorder-buffer"] = true,
        ["bandwidth"] = true, ["return-bandwidth"] = true, ["congestion-control"] = true,
        ["min-retries"] = true, ["max-retries"] = true, ["weight"] = true,
        ["secret"] = false, ["aes-type"] = true, ["key-rotation"] = true,
        ["cname"] = false, ["miface"] = false, ["compression"] = true,
        ["session-timeout"] = true, ["keepalive-interval"] = true, ["timing-mode"] = true,
        ["virt-src-port"] = true, ["virt-dst-port"] = true, ["profile"] = true, ["verbose-level"] = true,
    };

    /// <summary>
    /// librist's SRP authentication. It needs mbedtls, which ristbond's librist is built without
    /// (tools/native/build-librist): refused by name rather than as unknown.
    /// </summary>
    static readonly HashSet<string> s_srpParameters = ["username", "password"];

    static readonly HashSet<string> s_secretParameters = ["secret", "password"];

    public const string NameParameter = "name";

    readonly List<KeyValuePair<string, string>> _parameters;

    RistUrl(string original, string host, int port, List<KeyValuePair<string, string>> parameters)
    {
        Original = original;
        Host = host;
        Port = port;
        _parameters = parameters;
    }

    public string Original { get; }
    public string Host { get; }
    public int Port { get; }
    public IReadOnlyList<KeyValuePair<string, string>> Parameters => _parameters;

    /// <summary>The value of a parameter, or null.</summary>
    public string? this[string name] => _parameters.FirstOrDefault(p => p.Key == name).Value;

    /// <summary>Parses and checks a link URL; <paramref name="culprit"/> names where it came from (e.g. "--output").</summary>
    public static RistUrl Parse(string text, string culprit = "--output")
    {
        string Fail(string why) => throw new RistbondException($"{culprit} '{Redact(text)}': {why}");

        if (!text.StartsWith("rist://", StringComparison.OrdinalIgnoreCase))
            Fail(text.Contains("://", StringComparison.Ordinal) ? "only rist:// URLs can be bonded" : "expected rist://host:port");
        string rest = text["rist://".Length..];
        string query = "";
        int q = rest.IndexOf('?');
        if (q >= 0)
            (rest, query) = (rest[..q], rest[(q + 1)..]);
        rest = rest.TrimEnd('/');
        if (rest.StartsWith('@'))
            Fail("listen mode (@) is not possible for a bonded link: each link calls the receiver");

        int colon = rest.LastIndexOf(':');
        if (colon < 0 || rest.EndsWith(']'))
            Fail("missing port (expected rist://host:port)");
        string host = rest[..colon];
        string portText = rest[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            Fail($"port '{portText}' is not a number from 1 to 65535");
        if (host.StartsWith('[') != host.EndsWith(']') || (!host.StartsWith('[') && host.Contains(':')))
            Fail($"host '{host}' is malformed (write IPv6 addresses in brackets: rist://[::1]:5000)");
        if (host.Trim('[', ']').Length == 0)
            Fail("missing host");

        var parameters = new List<KeyValuePair<string, string>>();
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = eq < 0 ? pair : pair[..eq];
            string value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (s_srpParameters.Contains(key))
            {
                Fail($"{key}= (SRP authentication) is not available: ristbond's librist is built without mbedtls; use secret= with aes-type= (a pre-shared passphrase)");
            }
            else if (key == NameParameter)
            {
                if (!IsValidName(value))
                    Fail($"name '{value}' must be 1-32 letters, digits, '-', '_' or '.'");
            }
            else if (!s_libristParameters.TryGetValue(key, out bool numeric))
            {
                Fail($"unknown parameter '{key}'");
            }
            else if (numeric && !uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                Fail($"parameter {key}='{value}' is not a whole number");
            }
            if (parameters.Any(p => p.Key == key))
                Fail($"parameter '{key}' is given twice");
            parameters.Add(new(key, value));
        }

        var url = new RistUrl(text, host, port, parameters);
        if (url["aes-type"] is string aes && aes is not ("128" or "192" or "256"))
            Fail($"aes-type={aes}: must be 128, 192 or 256");
        if (url["aes-type"] is not null && string.IsNullOrEmpty(url["secret"]))
            Fail("aes-type needs a secret= (the pre-shared passphrase)");
        // librist 0.2.7 receivers take a secret without aes-type as no encryption at all, 0.2.8 and newer as AES-256:
        // the same URL would send in clear to one studio and encrypted to another.
        if (url["secret"] is not null && url["aes-type"] is null)
            Fail("secret= needs aes-type=128, 192 or 256 (without it, librist 0.2.7 receivers expect no encryption and 0.2.8 and newer AES-256)");
        if (url["profile"] is string profile && profile != "1")
            Fail($"profile={profile}: bonding needs the Main profile (1)");
        return url;
    }

    /// <summary>
    /// The receiver's address, resolving the host name if it is one. librist itself would go on with a broken
    /// socket for a name it cannot resolve, so every link resolves here first.
    /// </summary>
    public IPEndPoint ResolveReceiver(string culprit = "--output")
    {
        string host = Host.Trim('[', ']');
        if (IPAddress.TryParse(host, out IPAddress? address))
            return new IPEndPoint(address, Port);
        try
        {
            IPAddress[] addresses = Dns.GetHostAddresses(host);
            IPAddress chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? addresses.First(a => a.AddressFamily == AddressFamily.InterNetworkV6);
            return new IPEndPoint(chosen, Port);
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            throw new RistbondException($"{culprit} '{Redacted}': cannot resolve host '{host}'", ExitCodes.RuntimeFailure, e);
        }
    }

    public static bool IsValidName(string name) =>
        name.Length is >= 1 and <= 32 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The URL for librist: our own parameters removed, <paramref name="overrides"/> set.</summary>
    public string ToLibrist(params ReadOnlySpan<KeyValuePair<string, string>> overrides) =>
        Compose(new StringBuilder("rist://").Append(Host).Append(':').Append(Port.ToString(CultureInfo.InvariantCulture)), NameParameter, overrides);

    /// <summary>
    /// This URL with <paramref name="overrides"/> set (replacing parameters of the same name), name= kept unless
    /// overridden: how a template URL becomes one link's URL.
    /// </summary>
    public RistUrl With(params ReadOnlySpan<KeyValuePair<string, string>> overrides)
    {
        int q = Original.IndexOf('?');
        return Parse(Compose(new StringBuilder(q < 0 ? Original : Original[..q]), dropped: null, overrides));
    }

    /// <summary>Appends this URL's parameters (less <paramref name="dropped"/> and those overridden), then the overrides.</summary>
    string Compose(StringBuilder builder, string? dropped, ReadOnlySpan<KeyValuePair<string, string>> overrides)
    {
        char separator = '?';
        foreach (var (key, value) in _parameters)
        {
            if (key == dropped || Contains(overrides, key))
                continue;
            builder.Append(separator).Append(key).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        foreach (var (key, value) in overrides)
        {
            builder.Append(separator).Append(key).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return builder.ToString();
    }

    /// <summary>The URL as the user wrote it, with secrets masked: what logs and the stats stream show.</summary>
    public string Redacted => Redact(Original);

    public override string ToString() => Redacted;

    static bool Contains(ReadOnlySpan<KeyValuePair<string, string>> pairs, string key)
    {
        foreach (var pair in pairs)
        {
            if (pair.Key == key)
                return true;
        }
        return false;
    }

    /// <summary>Masks the values of secret= and password= in any URL-like text.</summary>
    public static string Redact(string text)
    {
        int q = text.IndexOf('?');
        if (q < 0)
            return text;
        var parts = text[(q + 1)..].Split('&');
        for (int i = 0; i < parts.Length; i++)
        {
            int eq = parts[i].IndexOf('=');
            if (eq > 0 && s_secretParameters.Contains(parts[i][..eq]))
                parts[i] = parts[i][..(eq + 1)] + "***";
        }
        return text[..(q + 1)] + string.Join('&', parts);
    }

    /// <summary>Splits an --output value holding several URLs separated by commas (a comma inside a URL stays).</summary>
    public static IEnumerable<string> SplitList(string value)
    {
        var current = new StringBuilder();
        foreach (string piece in value.Split(','))
        {
            if (current.Length > 0 && piece.TrimStart().Contains("://", StringComparison.Ordinal))
            {
                yield return current.ToString().Trim();
                current.Clear();
            }
            if (current.Length > 0)
                current.Append(',');
            current.Append(piece);
        }
        if (current.Length > 0)
            yield return current.ToString().Trim();
    }
}
