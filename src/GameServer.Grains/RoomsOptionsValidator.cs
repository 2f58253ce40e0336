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
            var config = RoomConfigRules.ToPatch(configured).ApplyTo(RoomConfigRules.Defaults(game));
            foreach (var (field, message) in RoomConfigRules.Problems(game, config).Concat(RoomPropertyRules.Problems(game, configured)))
            {
                // Messages name the configuration path: Rooms:arena:TickRateHz, Rooms:arena:Tunables:MaxSpeed.
                failures.Add($"{RoomsOptions.SectionName}:{roomType}:{field.Replace('.', ':')}: {message}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
