using GameServer.Abstractions;
using GameServer.Simulation;
using Microsoft.Extensions.Options;

namespace GameServer.Grains;

/// <summary>
/// Stops start-up (and refuses a reloaded file) when the <c>Rooms</c> section names an unknown room type or tunable,
/// or a value out of range; each message names the room type, the field, the value and the allowed range.
/// </summary>
internal sealed class RoomsOptionsValidator(GameCatalog catalog) : IValidateOptions<RoomsOptions>
{
    public ValidateOptionsResult Validate(string? name, RoomsOptions options)
    {
        var failures = new List<string>();
        foreach (var (roomType, configured) in options)
        {
            if (!catalog.TryGet(roomType, out var game))
            {
                failures.Add($"{RoomsOptions.SectionName}:{roomType}: no game is registered for room type '{roomType}' (registered: {string.Join(", ", catalog.RoomTypes)}).");
                continue;
            }
            var defaults = game.DefaultSettings;
            var config = RoomConfigRules.ToPatch(configured).ApplyTo(new RoomConfig(defaults.TickRateHz, defaults.SnapshotEveryTicks,
                defaults.MaxPlayers, defaults.InputQueueCapacity, defaults.MaxCatchUpSteps, defaults.EmptyRoomGraceSeconds,
                game.Tunables.ToDictionary(t => t.Name, t => t.Default, StringComparer.Ordinal)));
            foreach (var (field, message) in RoomConfigRules.ToSettings(config).Errors(roomType))
            {
                failures.Add($"{RoomsOptions.SectionName}:{roomType}:{field}: {message}");
            }
            foreach (var (tunable, value) in configured.Tunables)
            {
                var definition = game.Tunables.FirstOrDefault(t => string.Equals(t.Name, tunable, StringComparison.OrdinalIgnoreCase));
                var problem = definition is null
                    ? $"'{roomType}' has no tunable '{tunable}' (it has {(game.Tunables.Count == 0 ? "none" : string.Join(", ", game.Tunables.Select(t => t.Name)))})."
                    : definition.Check(value);
                if (problem is not null)
                {
                    failures.Add($"{RoomsOptions.SectionName}:{roomType}:Tunables:{tunable}: Room type '{roomType}': {problem}");
                }
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
