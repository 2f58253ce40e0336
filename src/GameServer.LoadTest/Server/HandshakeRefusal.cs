using System.Globalization;
using System.Net.WebSockets;
using System.Text.RegularExpressions;

namespace GameServer.LoadTest.Server;

/// <summary>
/// Reads the HTTP status of a refused WebSocket handshake from the exception .NET throws ("The server returned status
/// code '429' when status code '101' was expected") and says what it means for a load test and what to change.
/// </summary>
internal static partial class HandshakeRefusal
{
    /// <summary>The refusal's HTTP status, or null when the exception is not a refused handshake.</summary>
    public static int? StatusCode(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is WebSocketException && StatusPattern().Match(ex.Message) is { Success: true } match)
            {
                return int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            }
            if (ex is System.Net.Http.HttpRequestException { StatusCode: { } status })
            {
                return (int)status; // the SignalR transports' refusal at /hub/negotiate
            }
        }
        return null;
    }

    /// <summary>What a status means and how to fix it, or null for statuses without a known meaning.</summary>
    public static string? Explain(int status) => status switch
    {
        401 => "HTTP 401: the server refused the player token",
        403 => "HTTP 403: the server refused the handshake's origin (Edge:AllowedOrigins, Edge:AllowMissingOrigin)",
        429 => "HTTP 429: too many connections from this address; raise Edge:MaxConnectionsPerIp on the server (default 100)",
        503 => "HTTP 503: the edge is at its connection limit; raise Edge:MaxConnections on the server (default 10000)",
        _ => null,
    };

    /// <summary><see cref="Explain"/> for the exception's status, or null.</summary>
    public static string? Explain(Exception exception) => StatusCode(exception) is { } status ? Explain(status) : null;

    [GeneratedRegex(@"status code '(\d{3})'", RegexOptions.CultureInvariant)]
    private static partial Regex StatusPattern();
}
