namespace GameServer.Simulation;

/// <summary>What a game room is given at creation.</summary>
/// <param name="RoomId">The room's id, e.g. <c>"arena:5f2c0a"</c>.</param>
/// <param name="Seed">Seed for the room's random numbers; the same seed and inputs give the same game.</param>
/// <param name="Settings">The room's settings.</param>
public sealed record GameRoomContext(string RoomId, int Seed, RoomSettings Settings)
{
    /// <summary>The room's tunable values by name (every one of <see cref="IGame.Tunables"/>); empty for games without tunables.</summary>
    public IReadOnlyDictionary<string, double> Tunables { get; init; } = new Dictionary<string, double>();

    /// <summary>A deterministic random source for this room, seeded with <see cref="Seed"/>.</summary>
    public Random CreateRandom() => new(Seed);
}
