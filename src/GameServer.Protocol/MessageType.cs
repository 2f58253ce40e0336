namespace GameServer.Protocol;

/// <summary>
/// The first element of every frame (<c>[type, body]</c>). Codes are never reused or renumbered.
/// 1–9: client to server; 10–19: server to client.
/// </summary>
public static class MessageType
{
    public const int Join = 1;
    public const int Input = 2;
    public const int Ping = 3;
    public const int Leave = 4;
    public const int Resume = 5;
    public const int Create = 6;
    public const int JoinByCode = 7;

    /// <summary>gameserver.v2 only: send the next snapshot in full (a <see cref="Snapshot"/>, not a <see cref="Delta"/>).</summary>
    public const int KeyframeRequest = 8;

    public const int Welcome = 10;
    public const int Snapshot = 11;
    public const int Pong = 12;
    public const int Error = 13;
    public const int Left = 14;
    public const int SettingsChanged = 15;

    /// <summary>gameserver.v2 only: a snapshot as the change from the one before it.</summary>
    public const int Delta = 16;

    /// <summary>The game's events of a snapshot's tick, sent right after that snapshot (see <see cref="Events"/>).</summary>
    public const int Events = 17;
}
