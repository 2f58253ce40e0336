namespace GameServer.Protocol;

/// <summary>Limits of the game-defined join options a <see cref="Join"/>, <see cref="Create"/> or <see cref="JoinByCode"/> carries.</summary>
public static class JoinOptions
{
    /// <summary>The largest join options value, in bytes of MessagePack.</summary>
    public const int MaxBytes = 256;
}
