using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace GameServer.Edge;

/// <summary>
/// Cross-site WebSocket hijacking guard: a browser always sends Origin, so a handshake from a page on another site is
/// refused unless that site is allowlisted. The server's own origin is always allowed (the demo page).
/// </summary>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed;
    private readonly bool _allowMissing;

    public OriginPolicy(EdgeOptions options)
    {
        _allowed = new HashSet<string>(options.AllowedOrigins.Select(Normalize), StringComparer.OrdinalIgnoreCase);
        _allowMissing = options.AllowMissingOrigin;
    }

    /// <summary>Null when the handshake may proceed; otherwise the reason for a 403.</summary>
    public string? Check(HttpRequest request)
    {
        var origin = request.Headers[HeaderNames.Origin].ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return _allowMissing ? null : "A handshake without an Origin header is not allowed on this server (Edge:AllowMissingOrigin is false).";
        }
        var normalized = Normalize(origin);
        if (_allowed.Contains(normalized) || IsSameOrigin(normalized, request))
        {
            return null;
        }
        return $"Origin '{Truncate(origin)}' is not allowed to open the game socket (add it to Edge:AllowedOrigins).";
    }

    private static bool IsSameOrigin(string origin, HttpRequest request) =>
        string.Equals(origin, Normalize($"{request.Scheme}://{request.Host.Value}"), StringComparison.OrdinalIgnoreCase);

    // Origins compare as scheme://host[:port] without a trailing slash; default ports are dropped as browsers do.
    private static string Normalize(string origin)
    {
        if (!Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri))
        {
            return origin.Trim().TrimEnd('/');
        }
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
    }

    private static string Truncate(string value) => value.Length > 100 ? value[..100] : value;
}
