namespace GameServer.Client;

/// <summary>
/// How a <see cref="GameClient"/> reaches the server: makes one <see cref="ClientConnection"/> per connect and reconnect.
/// The default, <see cref="WebSocket"/>, speaks the protocol over a WebSocket (<c>ws://host/ws</c>). The
/// <c>GameServer.Client.SignalR</c> package adds the fallback over the SignalR hub (Server-Sent Events, long polling)
/// for networks that block WebSockets; set it in <see cref="GameClientOptions.Transport"/>.
/// </summary>
public abstract class ClientTransport
{
    /// <summary>The WebSocket transport (the default).</summary>
    public static ClientTransport WebSocket { get; } = new WebSocketTransport();

    /// <summary>A short name for reports and logs, e.g. <c>websocket</c>, <c>sse</c>, <c>longpolling</c>.</summary>
    public abstract string Name { get; }

    /// <summary>A new, unopened connection; the client calls <see cref="ClientConnection.ConnectAsync"/> on it once.</summary>
    public abstract ClientConnection CreateConnection();

    /// <inheritdoc />
    public override string ToString() => Name;

    private sealed class WebSocketTransport : ClientTransport
    {
        public override string Name => "websocket";

        public override ClientConnection CreateConnection() => new WebSocketConnection();
    }
}
