namespace GameServer.Protocol;

/// <summary>
/// The fallback transport: the same <c>gameserver.v1</c>/<c>gameserver.v2</c> frames carried over an ASP.NET Core
/// SignalR hub, for networks that break WebSocket upgrades (SignalR then falls back to Server-Sent Events or long
/// polling). Each frame is one hub message holding the frame's bytes: MessagePack binary under the <c>messagepack</c> hub
/// protocol (WebSockets, long polling), a base64 string under the <c>json</c> hub protocol (required for Server-Sent
/// Events, which carry text only). See docs/protocol.md, "Fallback transport".
/// </summary>
public static class HubTransport
{
    /// <summary>Path of the hub (negotiate is <c>/hub/negotiate</c>).</summary>
    public const string Path = "/hub";

    /// <summary>
    /// Query parameter offering protocol versions, most preferred first, comma-separated (like
    /// <c>Sec-WebSocket-Protocol</c>); absent means <see cref="ProtocolVersion.SubProtocol"/>.
    /// </summary>
    public const string SubProtocolParameter = "subprotocol";

    /// <summary>
    /// Server → client, first message of every connection: <c>Open(string subProtocol)</c>, the version the server chose
    /// (the WebSocket handshake's <c>Sec-WebSocket-Protocol</c> answer).
    /// </summary>
    public const string OpenMethod = "Open";

    /// <summary>Server → client: <c>Frame(byte[] frame)</c>, one server frame exactly as a WebSocket binary message carries it.</summary>
    public const string FrameMethod = "Frame";

    /// <summary>
    /// Server → client: <c>Close(int code, string reason)</c>, the WebSocket close frame's code and reason (<see cref="CloseCode"/>).
    /// The server sends nothing after it and ends the connection once the client stops, or after a short timeout.
    /// Client → server: the same, the client's close (1000 = the player quit: the seat is freed at once; any other code
    /// keeps it for the reconnect grace window).
    /// </summary>
    public const string CloseMethod = "Close";

    /// <summary>Client → server: <c>Send(byte[] frame)</c>, one client frame (send it without waiting for a result).</summary>
    public const string SendMethod = "Send";
}
