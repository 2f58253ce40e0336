namespace GameServer.Client;

/// <summary>Where a <see cref="GameClient"/> is in its life.</summary>
public enum ConnectionState
{
    Disconnected,
    Connecting,
    Connected,
    InRoom,
    Closed,
}
