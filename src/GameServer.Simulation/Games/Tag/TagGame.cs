namespace GameServer.Simulation.Games.Tag;

/// <summary>
/// The second sample game: two teams (red, blue) on a 40 × 40 field; one team hunts the other and the roles swap on a
/// timer. It shows join options (pick a team), hidden information (each team sees enemies only near its own players),
/// game events, kicks and a room that ends itself.
/// </summary>
public sealed class TagGame : IGame
{
    public const string Type = "tag";

    public TagGame()
        : this(new TagTunables())
    {
    }

    public TagGame(TagTunables tunables)
    {
        ArgumentNullException.ThrowIfNull(tunables);
        tunables.Validate();
        Tunables = tunables;
    }

    public TagTunables Tunables { get; }

    public string RoomType => Type;

    public RoomSettings DefaultSettings { get; } = new() { TickRateHz = 20, SnapshotEveryTicks = 1, MaxPlayers = 8 };

    IReadOnlyList<TunableDefinition> IGame.Tunables => TagTunables.Definitions;

    public IGameRoom CreateRoom(GameRoomContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new TagRoom(context, Tunables.With(context.Tunables));
    }
}
