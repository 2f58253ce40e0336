namespace GameServer.Simulation;

/// <summary>A player asks to join a room (<see cref="IGameRoom.OnJoinRequest"/>).</summary>
/// <param name="EntityId">The entity id the player gets if admitted.</param>
/// <param name="PlayerId">The authenticated player's id.</param>
/// <param name="Options">
/// The game-defined join options the client sent: one well-formed MessagePack value (the edge checked its form and
/// size), or empty when it sent none. Read them with <c>new MessagePackReader(Options)</c>.
/// </param>
public readonly record struct JoinRequest(int EntityId, string PlayerId, ReadOnlyMemory<byte> Options);
