using System.Globalization;
using System.Net;
using Ristbond.Platform;

namespace Ristbond.Web;

/// <summary>
/// Where the status server listens and the token that guards it, checked once at start. The rule: a loopback
/// address needs no token; any other address cannot be opened without one (the board's page would otherwise be
/// open to every network its modems are on).
/// </summary>
public sealed record StatusListenOptions
{
    public const string ListenOption = "--status-listen";
    public const string TokenFileOption = "--status-token-file";

    public required IPEndPoint Endpoint { get; init; }
    /// <summary>What the user wrote, for messages.</summary>
    public required string Text { get; init; }
    /// <summary>Required from clients that are not on this machine; null only for a loopback listener.</summary>
    public string? Token { get; init; }

    public bool IsLoopback => IPAddress.IsLoopback(Endpoint.Address);

    /// <summary>Parses ADDR:PORT (IPv4, [IPv6] or localhost) and reads the token file; errors name the option and value.</summary>
    public static StatusListenOptions Create(string listen, string? tokenFile)
    {
        IPEndPoint endpoint = ParseEndpoint(listen);
        string? token = SecretFile.Read(tokenFile, TokenFileOption)?.Trim();
        if (tokenFile is not null && (token is null || token.Length < 8 || token.Any(char.IsWhiteSpace)))
            throw new RistbondException($"{TokenFileOption} '{tokenFile}': the token must be at least 8 characters without spaces");
        if (token is null && !IPAddress.IsLoopback(endpoint.Address))
            throw new RistbondException($"{ListenOption} {listen}: not a loopback address, so {TokenFileOption} is required (a token guards the status page from other machines)");
        return new StatusListenOptions { Endpoint = endpoint, Text = listen, Token = token };
    }

    static IPEndPoint ParseEndpoint(string text) =>
        TryParseEndpoint(text, out IPEndPoint? endpoint, out string? why) ? endpoint! : throw new RistbondException($"{ListenOption} '{text}': {why}");

    /// <summary>ADDR:PORT as the status server takes it (IPv4, [IPv6] or localhost); <paramref name="why"/> says what is wrong.</summary>
    public static bool TryParseEndpoint(string text, out IPEndPoint? endpoint, out string? why)
    {
        endpoint = null;
        why = null;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            why = "give ADDRESS:PORT (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::]:8080)";
            return false;
        }
        string host = text[..colon];
        string portText = text[(colon + 1)..];
        bool bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            why = $"port '{portText}' is not 1-65535";
        else if (host == "localhost")
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
        else if (!bracketed && host.Contains(':'))
            why = $"write an IPv6 address in brackets, e.g. [::1]:{portText}";
        else if (IPAddress.TryParse(bracketed ? host[1..^1] : host, out IPAddress? address))
            endpoint = new IPEndPoint(address, port);
        else
            why = $"'{host}' is not an IP address (or localhost)";
        return endpoint is not null;
    }
}
