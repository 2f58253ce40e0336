namespace GameServer.Protocol.Arena;

/// <summary>One player's body in an arena snapshot, decoded to arena units.</summary>
/// <param name="EntityId">The owning player's entity id (see <see cref="Welcome.EntityId"/>).</param>
/// <param name="X">Position, arena units in [0, ArenaSize] (sent quantized to <see cref="ArenaState.PositionScale"/>).</param>
/// <param name="Y">Position, arena units.</param>
/// <param name="Vx">Velocity, arena units per second (sent rounded to whole units).</param>
/// <param name="Vy">Velocity, arena units per second.</param>
/// <param name="Hp">Hit points, 0–255.</param>
public readonly record struct ArenaEntity(int EntityId, float X, float Y, float Vx, float Vy, byte Hp);

/// <summary>One arena entity as its numbers go on the wire (<see cref="ArenaState.Quantize"/>).</summary>
/// <param name="EntityId">The owning player's entity id.</param>
/// <param name="X">Position in 1/<see cref="ArenaState.PositionScale"/> units.</param>
/// <param name="Y">Position in 1/<see cref="ArenaState.PositionScale"/> units.</param>
/// <param name="Vx">Velocity, whole units per second.</param>
/// <param name="Vy">Velocity, whole units per second.</param>
/// <param name="Hp">Hit points, 0–255.</param>
public readonly record struct ArenaWireEntity(int EntityId, int X, int Y, int Vx, int Vy, byte Hp);
