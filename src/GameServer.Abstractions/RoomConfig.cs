namespace GameServer.Abstractions;

/// <summary>
/// A room's effective tick settings and game tunables, as grains pass them around. Field names match
/// <c>RoomSettings</c> and the <c>Rooms:{roomType}</c> configuration section.
/// </summary>
[GenerateSerializer, Immutable, Alias("gs.RoomConfig")]
public sealed record RoomConfig(
    int TickRateHz,
    int SnapshotEveryTicks,
    int MaxPlayers,
    int InputQueueCapacity,
    int MaxCatchUpSteps,
    double EmptyRoomGraceSeconds,
    Dictionary<string, double> Tunables,
    double ReconnectGraceSeconds = 30,
    double CheckpointIntervalSeconds = 1);

/// <summary>A change to some settings; null fields (and tunables not named) stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("gs.RoomConfigPatch")]
public sealed record RoomConfigPatch
{
    [Id(0)] public int? TickRateHz { get; init; }
    [Id(1)] public int? SnapshotEveryTicks { get; init; }
    [Id(2)] public int? MaxPlayers { get; init; }
    [Id(3)] public int? InputQueueCapacity { get; init; }
    [Id(4)] public int? MaxCatchUpSteps { get; init; }
    [Id(5)] public double? EmptyRoomGraceSeconds { get; init; }
    [Id(6)] public Dictionary<string, double>? Tunables { get; init; }
    [Id(7)] public double? ReconnectGraceSeconds { get; init; }
    [Id(8)] public double? CheckpointIntervalSeconds { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => TickRateHz is null && SnapshotEveryTicks is null && MaxPlayers is null && InputQueueCapacity is null
        && MaxCatchUpSteps is null && EmptyRoomGraceSeconds is null && ReconnectGraceSeconds is null
        && CheckpointIntervalSeconds is null && (Tunables is null || Tunables.Count == 0);

    /// <summary><paramref name="next"/>'s fields over this one's (for stacking overrides).</summary>
    public RoomConfigPatch Then(RoomConfigPatch next) => new()
    {
        TickRateHz = next.TickRateHz ?? TickRateHz,
        SnapshotEveryTicks = next.SnapshotEveryTicks ?? SnapshotEveryTicks,
        MaxPlayers = next.MaxPlayers ?? MaxPlayers,
        InputQueueCapacity = next.InputQueueCapacity ?? InputQueueCapacity,
        MaxCatchUpSteps = next.MaxCatchUpSteps ?? MaxCatchUpSteps,
        EmptyRoomGraceSeconds = next.EmptyRoomGraceSeconds ?? EmptyRoomGraceSeconds,
        Tunables = Merge(Tunables, next.Tunables),
        ReconnectGraceSeconds = next.ReconnectGraceSeconds ?? ReconnectGraceSeconds,
        CheckpointIntervalSeconds = next.CheckpointIntervalSeconds ?? CheckpointIntervalSeconds,
    };

    /// <summary>This patch applied to <paramref name="config"/>.</summary>
    public RoomConfig ApplyTo(RoomConfig config) => new(
        TickRateHz ?? config.TickRateHz,
        SnapshotEveryTicks ?? config.SnapshotEveryTicks,
        MaxPlayers ?? config.MaxPlayers,
        InputQueueCapacity ?? config.InputQueueCapacity,
        MaxCatchUpSteps ?? config.MaxCatchUpSteps,
        EmptyRoomGraceSeconds ?? config.EmptyRoomGraceSeconds,
        Merge(config.Tunables, Tunables) ?? new Dictionary<string, double>(),
        ReconnectGraceSeconds ?? config.ReconnectGraceSeconds,
        CheckpointIntervalSeconds ?? config.CheckpointIntervalSeconds);

    private static Dictionary<string, double>? Merge(IReadOnlyDictionary<string, double>? under, IReadOnlyDictionary<string, double>? over)
    {
        if (under is null && over is null)
        {
            return null;
        }
        var merged = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in under ?? new Dictionary<string, double>())
        {
            merged[name] = value;
        }
        foreach (var (name, value) in over ?? new Dictionary<string, double>())
        {
            merged[name] = value;
        }
        return merged;
    }
}

/// <summary>The outcome of a settings change: the new effective settings, or the fields that were refused.</summary>
[GenerateSerializer, Immutable, Alias("gs.SettingsChange")]
public sealed record SettingsChange(RoomConfig? Before, RoomConfig? After, Dictionary<string, string> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public static SettingsChange Refused(Dictionary<string, string> errors) => new(null, null, errors);
}

/// <summary>One settings change, for the audit trail.</summary>
[GenerateSerializer, Immutable, Alias("gs.SettingsAuditEntry")]
public sealed record SettingsAuditEntry(DateTimeOffset At, string Who, string Target, string Action, RoomConfig Before, RoomConfig After);

/// <summary>A room type's settings as the admin API shows them.</summary>
/// <param name="RoomType">The room type, e.g. <c>"arena"</c>.</param>
/// <param name="Configured">From configuration (game defaults plus the <c>Rooms:{roomType}</c> section).</param>
/// <param name="Overrides">Live changes made through the admin API, on top of <paramref name="Configured"/>.</param>
/// <param name="Effective">What new and running rooms of the type use (rooms may add their own overrides).</param>
/// <param name="Fields">The tick settings' ranges.</param>
/// <param name="Tunables">The game's tunables and their ranges.</param>
/// <param name="Rooms">Live rooms of the type.</param>
[GenerateSerializer, Immutable, Alias("gs.RoomTypeView")]
public sealed record RoomTypeView(
    string RoomType,
    RoomConfig Configured,
    RoomConfigPatch Overrides,
    RoomConfig Effective,
    SettingDefinition[] Fields,
    SettingDefinition[] Tunables,
    string[] Rooms);

/// <summary>A setting's range and meaning, for forms and validation messages.</summary>
[GenerateSerializer, Immutable, Alias("gs.SettingDefinition")]
public sealed record SettingDefinition(string Name, double Default, double Min, double Max, string Unit, string Description);

/// <summary>What a room tells its edges when its settings change, so clients adapt interpolation.</summary>
[GenerateSerializer, Immutable, Alias("gs.RoomSettingsNotice")]
public sealed record RoomSettingsNotice(long Tick, int TickRateHz, int SnapshotEveryTicks, int MaxPlayers);
