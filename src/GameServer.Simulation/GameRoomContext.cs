namespace GameServer.Simulation;

/// <summary>What a game room is given at creation.</summary>
/// <param name="RoomId">The room's id, e.g. <c>"arena:5f2c0a"</c>.</param>
/// <param name="Seed">Seed for the room's random numbers; the same seed and inputs give the same game.</param>
/// <param name="Settings">The room's settings.</param>
public sealed record GameRoomContext(string RoomId, int Seed, RoomSettings Settings)
{
    /// <summary>The room's tunable values by name (every one of <see cref="IGame.Tunables"/>); empty for games without tunables.</summary>
    public IReadOnlyDictionary<string, double> Tunables { get; init; } = new Dictionary<string, double>();

    /// <summary>The room's values of <see cref="IGame.Properties"/> (every declared one); empty for games without properties.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Events, kicks and closing the room (see <see cref="RoomControl"/>). One per room: give a new room a new one.</summary>
    public RoomControl Room { get; init; } = new();

    /// <summary>
    /// A deterministic random source for this room, seeded with <see cref="Seed"/>. Its state cannot be saved, so after a
    /// restore it starts again from the seed; prefer <see cref="CreateGameRandom"/>.
    /// </summary>
    public Random CreateRandom() => new(Seed);

    /// <summary>
    /// A deterministic random source for this room, seeded with <see cref="Seed"/>, whose state the game can save in its
    /// checkpoint (<see cref="GameRandom.State"/>) so a restored room draws what the original would have.
    /// </summary>
    public GameRandom CreateGameRandom() => new(Seed);
}
