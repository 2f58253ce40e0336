namespace GameServer.Simulation;

/// <summary>
/// A property rooms of a type have for matchmaking and the lobby (e.g. <c>mode</c>: <c>ffa</c>, <c>duel</c>): players
/// ask for values, the matchmaker keeps rooms with different values apart, the lobby filters by them. A room type
/// declares them through <see cref="IGame.Properties"/>; configuration may replace the allowed values
/// (<c>Rooms:{roomType}:Properties:{name}</c>).
/// </summary>
/// <param name="Name">Key in Join, Create, the lobby's query and configuration, e.g. <c>"mode"</c>: 1–32 letters, digits, '-' or '_'.</param>
/// <param name="Values">The allowed values (1–64 characters each); the first is the default.</param>
/// <param name="Description">What it means to players.</param>
public sealed record RoomPropertyDefinition(string Name, IReadOnlyList<string> Values, string Description)
{
    public string Default => Values[0];
}
