namespace GameServer.Protocol;

/// <summary>
/// The client half of a game's delta snapshots: rebuilds the full game state from the previous one and a
/// <see cref="Delta.GameDelta"/>. The server half (the game plug-in) writes the deltas this reads; both live with the
/// game's wire types (arena: <see cref="Arena.ArenaDelta"/>), so there is one implementation of the format.
/// </summary>
public interface IGameStateDelta
{
    /// <summary>
    /// The game state (as a <see cref="Snapshot.GameState"/>) that results from applying <paramref name="delta"/> to
    /// <paramref name="previousState"/>. Throws <see cref="MessagePack.MessagePackSerializationException"/> when the
    /// delta does not fit the state.
    /// </summary>
    byte[] Apply(ReadOnlyMemory<byte> previousState, ReadOnlyMemory<byte> delta);
}
