namespace GameServer.Grains;

/// <summary>
/// Per room type settings from configuration: section <c>Rooms</c>, one subsection per room type, e.g.
/// <c>Rooms:arena:TickRateHz</c> or <c>Rooms:arena:Tunables:MaxSpeed</c>. Anything not set keeps the game's default.
/// Validated at start-up and re-read when the configuration file changes.
/// </summary>
public sealed class RoomsOptions : Dictionary<string, RoomTypeOptions>
{
    public const string SectionName = "Rooms";

    public RoomsOptions()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>One room type's configured settings; null means the game's default.</summary>
public sealed class RoomTypeOptions
{
    public int? TickRateHz { get; set; }

    public int? SnapshotEveryTicks { get; set; }

    public int? MaxPlayers { get; set; }

    public int? InputQueueCapacity { get; set; }

    public int? MaxCatchUpSteps { get; set; }

    public double? EmptyRoomGraceSeconds { get; set; }

    public double? ReconnectGraceSeconds { get; set; }

    public double? CheckpointIntervalSeconds { get; set; }

    /// <summary>The game's tunables by name (see <c>IGame.Tunables</c>).</summary>
    public Dictionary<string, double> Tunables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Allowed values of the game's room properties by name (see <c>IGame.Properties</c>), replacing the game's own;
    /// the first is the default. E.g. <c>Rooms:arena:Properties:mode:0 = ffa</c>.
    /// </summary>
    public Dictionary<string, string[]> Properties { get; set; } = new(StringComparer.Ordinal);
}
