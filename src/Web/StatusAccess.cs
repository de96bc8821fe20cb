using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Ristbond.Web;

/// <summary>The outcome of the token check, for one request.</summary>
public enum AccessVerdict
{
    /// <summary>From this machine: no token needed.</summary>
    Local,
    /// <summary>From elsewhere, with the right token.</summary>
    Token,
    /// <summary>From elsewhere, without a token.</summary>
    NoToken,
    /// <summary>From elsewhere, with a token that is not the one.</summary>
    WrongToken,
}

/// <summary>
/// Who may use the status server. A client on this machine (loopback peer) needs nothing. Any other client shows the
/// token as <c>Authorization: Bearer TOKEN</c> (scripts) or in the <c>ristbond_token</c> cookie, which the page sets
/// when opened once as <c>/?token=TOKEN</c> (a browser's EventSource cannot send headers, and the cookie keeps the
/// token out of every later URL and log). Pure: the request's parts in, a verdict out.
/// </summary>
public sealed class StatusAccess(string? token)
{
    public const string CookieName = "ristbond_token";

    readonly byte[]? _token = token is null ? null : Encoding.UTF8.GetBytes(token);

    public AccessVerdict Check(IPAddress? remote, string? authorization, string? cookie)
    {
        if (remote is { IsIPv4MappedToIPv6: true })
            remote = remote.MapToIPv4();
        if (remote is not null && IPAddress.IsLoopback(remote))
            return AccessVerdict.Local;
        string? presented = BearerToken(authorization) ?? (string.IsNullOrEmpty(cookie) ? null : cookie);
        if (presented is null)
            return AccessVerdict.NoToken;
        return Matches(presented) ? AccessVerdict.Token : AccessVerdict.WrongToken;
    }

    /// <summary>True when <paramref name="presented"/> is the token; constant time, so a guess learns nothing from timing.</summary>
    public bool Matches(string presented) =>
        _token is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token);

    static string? BearerToken(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return null;
        string value = authorization[Scheme.Length..].Trim();
        return value.Length > 0 ? value : null;
    }
}
