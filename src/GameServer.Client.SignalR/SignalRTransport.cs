using GameServer.Protocol;
using Microsoft.AspNetCore.Http.Connections;

namespace GameServer.Client.SignalR;

/// <summary>
/// The fallback transport: the game protocol over the server's SignalR hub (<see cref="HubTransport.Path"/>), for
/// networks that block WebSocket upgrades. Set it in <see cref="GameClientOptions.Transport"/>; the same endpoints work
/// (<c>ws://host/ws</c> is reached as <c>http://host/hub</c>, see <see cref="HubUrl"/>). Reconnect and resume are the
/// SDK's own, as over a WebSocket: a dropped hub connection is a lost connection, and SignalR's automatic reconnect is
/// not used.
/// </summary>
public sealed class SignalRTransport : ClientTransport
{
    /// <summary>
    /// Creates a transport that uses exactly one SignalR transport type. Server-Sent Events use the <c>json</c> hub
    /// protocol (SSE carries text only; frames travel as base64); the others use <c>messagepack</c> (binary).
    /// </summary>
    /// <param name="transportType">One of <see cref="HttpTransportType.ServerSentEvents"/>, <see cref="HttpTransportType.LongPolling"/>, <see cref="HttpTransportType.WebSockets"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="transportType"/> is not exactly one of those.</exception>
    public SignalRTransport(HttpTransportType transportType)
    {
        Name = transportType switch
        {
            HttpTransportType.ServerSentEvents => "sse",
            HttpTransportType.LongPolling => "longpolling",
            HttpTransportType.WebSockets => "signalr-websockets",
            _ => throw new ArgumentException("Pick exactly one of ServerSentEvents, LongPolling or WebSockets.", nameof(transportType)),
        };
        TransportType = transportType;
    }

    /// <summary>Server-Sent Events (server → client) with HTTP posts (client → server), <c>json</c> hub protocol.</summary>
    public static SignalRTransport ServerSentEvents { get; } = new(HttpTransportType.ServerSentEvents);

    /// <summary>Long polling, <c>messagepack</c> hub protocol: works through nearly any proxy, at the cost of latency.</summary>
    public static SignalRTransport LongPolling { get; } = new(HttpTransportType.LongPolling);

    /// <summary>SignalR's WebSockets, <c>messagepack</c> hub protocol (for tests; the plain <see cref="ClientTransport.WebSocket"/> is cheaper).</summary>
    public static SignalRTransport WebSockets { get; } = new(HttpTransportType.WebSockets);

    /// <summary>The one SignalR transport type this uses.</summary>
    public HttpTransportType TransportType { get; }

    /// <summary>
    /// Frames received and not yet read by the client, at most; when full, the hub connection stops reading until the
    /// client catches up (and the server's slow-consumer guard decides, as over a WebSocket). Default 256.
    /// </summary>
    public int InboundFrameCapacity { get; init; } = 256;

    /// <summary>How long <see cref="ClientConnection.CloseAsync"/> waits for the server to end the connection after the client's close before stopping it. Default 2 s.</summary>
    public TimeSpan CloseWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override ClientConnection CreateConnection() => new HubClientConnection(this);

    /// <summary>
    /// The hub's URL for a game endpoint: <c>ws</c>/<c>wss</c> become <c>http</c>/<c>https</c>, and the WebSocket path
    /// (<see cref="ProtocolVersion.Path"/>, <c>/ws</c>) at the end of the path becomes <see cref="HubTransport.Path"/>
    /// (<c>/hub</c>); any other path is kept (a proxy's prefix, or the hub's URL given as is). The query is kept.
    /// </summary>
    public static Uri HubUrl(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var builder = new UriBuilder(endpoint);
        builder.Scheme = builder.Scheme switch
        {
            "ws" => Uri.UriSchemeHttp,
            "wss" => Uri.UriSchemeHttps,
            var other => other,
        };
        if (endpoint.IsDefaultPort)
        {
            builder.Port = -1;
        }
        var path = builder.Path.TrimEnd('/');
        if (path.EndsWith(ProtocolVersion.Path, StringComparison.Ordinal))
        {
            path = path[..^ProtocolVersion.Path.Length] + HubTransport.Path;
        }
        else if (path.Length == 0)
        {
            path = HubTransport.Path;
        }
        builder.Path = path;
        return builder.Uri;
    }
}
