namespace GameServer.Protocol;

/// <summary>The wire protocol version, carried as the WebSocket sub-protocol name.</summary>
public static class ProtocolVersion
{
    /// <summary>Sub-protocol a client offers in <c>Sec-WebSocket-Protocol</c>; the server refuses any other.</summary>
    public const string SubProtocol = "gameserver.v1";

    /// <summary>Path of the game WebSocket endpoint.</summary>
    public const string Path = "/ws";
}
