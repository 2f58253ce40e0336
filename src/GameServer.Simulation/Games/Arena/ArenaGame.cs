namespace GameServer.Simulation.Games.Arena;

/// <summary>
/// The sample game: up to 8 players move in a bounded 2D arena (the benchmark workload of shared/bench/WORKLOAD.md).
/// </summary>
public sealed class ArenaGame : IGame
{
    public const string Type = "arena";

    public ArenaGame()
        : this(new ArenaTunables())
    {
    }

    public ArenaGame(ArenaTunables tunables)
    {
        ArgumentNullException.ThrowIfNull(tunables);
        tunables.Validate();
        Tunables = tunables;
    }

    public ArenaTunables Tunables { get; }

    public string RoomType => Type;

    public RoomSettings DefaultSettings { get; } = new() { TickRateHz = 20, SnapshotEveryTicks = 1, MaxPlayers = 8 };

    IReadOnlyList<TunableDefinition> IGame.Tunables => ArenaTunables.Definitions;

    /// <summary>The kind of match a player asks for: the rules are the same, matchmaking keeps the kinds apart.</summary>
    public IReadOnlyList<RoomPropertyDefinition> Properties { get; } =
    [
        new("mode", ["ffa", "duel"], "The kind of match: players who ask for different modes never share a room."),
    ];

    public IGameRoom CreateRoom(GameRoomContext context) => new ArenaRoom(context, Tunables.With(context.Tunables));
}
