using GameServer.Abstractions;
using GameServer.Simulation;
using Microsoft.Extensions.Options;

namespace GameServer.Grains;

/// <summary>
/// The properties a room type's rooms have (<see cref="IGame.Properties"/>, with the allowed values configuration may
/// replace under <c>Rooms:{roomType}:Properties:{name}</c>) and the check of what a player asks for: every declared
/// property gets a value (the default unless asked), names and values are matched ignoring case and spelled as declared,
/// and anything else is refused with a message naming the property and the allowed values.
/// </summary>
public sealed class RoomPropertyRules(GameCatalog catalog, IOptionsMonitor<RoomsOptions> options)
{
    /// <summary>The declared properties of <paramref name="roomType"/> with their allowed values; empty for an unknown type.</summary>
    public IReadOnlyList<RoomPropertyDefinition> Declared(string roomType)
    {
        if (!catalog.TryGet(roomType, out var game))
        {
            return [];
        }
        if (!options.CurrentValue.TryGetValue(roomType, out var configured) || configured.Properties.Count == 0)
        {
            return game.Properties;
        }
        return game.Properties
            .Select(p => configured.Properties.FirstOrDefault(c => string.Equals(c.Key, p.Name, StringComparison.OrdinalIgnoreCase)) is { Value.Length: > 0 } values
                ? p with { Values = values.Value }
                : p)
            .ToArray();
    }

    /// <summary>
    /// A value for every declared property from <paramref name="requested"/> and the defaults, or the problem (a message
    /// naming the property) when a name is not declared or a value not allowed.
    /// </summary>
    public (Dictionary<string, string>? Values, string? Problem) Resolve(string roomType, IReadOnlyDictionary<string, string>? requested)
    {
        var declared = Declared(roomType);
        var values = declared.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);
        foreach (var (name, value) in requested ?? new Dictionary<string, string>())
        {
            var property = declared.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                return (null, declared.Count == 0
                    ? $"Property '{name}': room type '{roomType}' has no properties."
                    : $"Property '{name}' is not one of room type '{roomType}' (it has {string.Join(", ", declared.Select(p => p.Name))}).");
            }
            var allowed = property.Values.FirstOrDefault(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));
            if (allowed is null)
            {
                return (null, $"Property '{property.Name}' = '{value}' is not allowed for room type '{roomType}'; allowed: {string.Join(", ", property.Values)}.");
            }
            values[property.Name] = allowed;
        }
        return (values, null);
    }

    /// <summary>Problems with the configured allowed values of <paramref name="game"/>'s properties, for start-up validation.</summary>
    internal static IEnumerable<(string Field, string Message)> Problems(IGame game, RoomTypeOptions configured)
    {
        foreach (var (name, values) in configured.Properties)
        {
            if (!game.Properties.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                yield return ($"Properties.{name}", $"'{name}' is not a property of room type '{game.RoomType}' (it has {(game.Properties.Count == 0 ? "none" : string.Join(", ", game.Properties.Select(p => p.Name)))}).");
            }
            else if (values.Length == 0 || values.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > 64))
            {
                yield return ($"Properties.{name}", $"Room type '{game.RoomType}': property '{name}' needs 1 or more values of 1-64 characters; the first is the default.");
            }
        }
    }
}
