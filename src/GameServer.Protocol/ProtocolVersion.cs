namespace GameServer.Protocol;

/// <summary>The wire protocol versions, carried as the WebSocket sub-protocol name.</summary>
public static class ProtocolVersion
{
    /// <summary>
    /// The first version: every snapshot is a full <see cref="Snapshot"/>. A client offers it in
    /// <c>Sec-WebSocket-Protocol</c>; the server refuses any version it does not know.
    /// </summary>
    public const string SubProtocol = "gameserver.v1";

    /// <summary>
    /// v1 plus delta snapshots: the server may send a <see cref="Delta"/> instead of a <see cref="Snapshot"/>, and the
    /// client may send <see cref="KeyframeRequest"/>. Everything else is v1. The server prefers it when offered.
    /// </summary>
    public const string SubProtocolV2 = "gameserver.v2";

    /// <summary>The versions the server speaks, most preferred first.</summary>
    public static readonly IReadOnlyList<string> Supported = new[] { SubProtocolV2, SubProtocol };

    /// <summary>Path of the game WebSocket endpoint.</summary>
    public const string Path = "/ws";
}
