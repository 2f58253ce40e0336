using GameServer.Abstractions;
using GameServer.Simulation;
using Microsoft.Extensions.Options;

namespace GameServer.Grains;

/// <summary>
/// What settings a room type may have: the game's defaults, the configured values, and the ranges every change is
/// checked against. Errors are keyed by field (<c>TickRateHz</c>, <c>Tunables.MaxSpeed</c>) and name the room type,
/// the value and the allowed range.
/// </summary>
public sealed class RoomConfigRules(GameCatalog catalog, IOptionsMonitor<RoomsOptions> options)
{
    public const string TunablesPrefix = "Tunables.";

    public bool IsKnown(string roomType) => catalog.TryGet(roomType, out _);

    /// <summary>Game defaults plus the <c>Rooms:{roomType}</c> section; null for an unknown room type.</summary>
    public RoomConfig? Configured(string roomType)
    {
        if (!catalog.TryGet(roomType, out var game))
        {
            return null;
        }
        var config = Defaults(game);
        return options.CurrentValue.TryGetValue(roomType, out var configured) ? Normalize(roomType, ToPatch(configured)).ApplyTo(config) : config;
    }

    /// <summary>The game's own defaults: its <see cref="IGame.DefaultSettings"/> and every tunable's default.</summary>
    public static RoomConfig Defaults(IGame game)
    {
        var defaults = game.DefaultSettings;
        return new RoomConfig(defaults.TickRateHz, defaults.SnapshotEveryTicks, defaults.MaxPlayers, defaults.InputQueueCapacity,
            defaults.MaxCatchUpSteps, defaults.EmptyRoomGraceSeconds, game.Tunables.ToDictionary(t => t.Name, t => t.Default, StringComparer.Ordinal),
            defaults.ReconnectGraceSeconds, defaults.CheckpointIntervalSeconds);
    }

    /// <summary>Every problem with <paramref name="config"/> for <paramref name="game"/>, keyed <c>TickRateHz</c> or <c>Tunables.MaxSpeed</c>.</summary>
    public static IEnumerable<(string Field, string Message)> Problems(IGame game, RoomConfig config)
    {
        var roomType = game.RoomType;
        foreach (var problem in ToSettings(config).Errors(roomType))
        {
            yield return problem;
        }
        foreach (var (name, value) in config.Tunables)
        {
            var definition = game.Tunables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
            var problem = definition is null
                ? $"{name} is not a tunable of '{roomType}' (it has {Describe(game.Tunables)})."
                : definition.Check(value);
            if (problem is not null)
            {
                yield return (TunablesPrefix + name, $"Room type '{roomType}': {problem}");
            }
        }
    }

    /// <summary>Tunable names spelled as the game declares them (<c>maxSpeed</c> → <c>MaxSpeed</c>); unknown names stay for validation to report.</summary>
    public RoomConfigPatch Normalize(string roomType, RoomConfigPatch patch)
    {
        if (patch.Tunables is null || !catalog.TryGet(roomType, out var game))
        {
            return patch;
        }
        var tunables = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in patch.Tunables)
        {
            var declared = game.Tunables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
            tunables[declared?.Name ?? name] = value;
        }
        return patch with { Tunables = tunables };
    }

    public SettingDefinition[] Fields() => RoomSettings.Fields.Select(ToDefinition).ToArray();

    public SettingDefinition[] Tunables(string roomType) =>
        catalog.TryGet(roomType, out var game) ? game.Tunables.Select(ToDefinition).ToArray() : [];

    /// <summary>Every problem with <paramref name="config"/> for <paramref name="roomType"/>; empty when valid.</summary>
    public Dictionary<string, string> Validate(string roomType, RoomConfig config)
    {
        if (!catalog.TryGet(roomType, out var game))
        {
            return new(StringComparer.Ordinal) { ["roomType"] = $"No game is registered for room type '{roomType}'." };
        }
        return Problems(game, config).ToDictionary(p => p.Field, p => p.Message, StringComparer.Ordinal);
    }

    public static RoomSettings ToSettings(RoomConfig config) => new()
    {
        TickRateHz = config.TickRateHz,
        SnapshotEveryTicks = config.SnapshotEveryTicks,
        MaxPlayers = config.MaxPlayers,
        InputQueueCapacity = config.InputQueueCapacity,
        MaxCatchUpSteps = config.MaxCatchUpSteps,
        EmptyRoomGraceSeconds = config.EmptyRoomGraceSeconds,
        ReconnectGraceSeconds = config.ReconnectGraceSeconds,
        CheckpointIntervalSeconds = config.CheckpointIntervalSeconds,
    };

    public static RoomConfigPatch ToPatch(RoomTypeOptions options) => new()
    {
        TickRateHz = options.TickRateHz,
        SnapshotEveryTicks = options.SnapshotEveryTicks,
        MaxPlayers = options.MaxPlayers,
        InputQueueCapacity = options.InputQueueCapacity,
        MaxCatchUpSteps = options.MaxCatchUpSteps,
        EmptyRoomGraceSeconds = options.EmptyRoomGraceSeconds,
        ReconnectGraceSeconds = options.ReconnectGraceSeconds,
        CheckpointIntervalSeconds = options.CheckpointIntervalSeconds,
        Tunables = options.Tunables.Count == 0 ? null : new Dictionary<string, double>(options.Tunables, StringComparer.Ordinal),
    };

    private static string Describe(IReadOnlyList<TunableDefinition> tunables) =>
        tunables.Count == 0 ? "none" : string.Join(", ", tunables.Select(t => t.Name));

    private static SettingDefinition ToDefinition(TunableDefinition t) => new(t.Name, t.Default, t.Min, t.Max, t.Unit, t.Description);
}
