using System.Text.Json;
using GameServer.Abstractions;

namespace GameServer.Admin;

/// <summary>
/// Reads a settings change from JSON by hand, so a wrong type or an unknown field gets a 400 naming that field
/// rather than a generic binding error.
/// </summary>
internal static class SettingsPatchReader
{
    private static readonly string[] s_integerFields = ["tickRateHz", "snapshotEveryTicks", "maxPlayers", "inputQueueCapacity", "maxCatchUpSteps"];

    /// <summary>The patch, or the problems keyed by field (JSON names).</summary>
    public static (RoomConfigPatch? Patch, Dictionary<string, string> Errors) Read(JsonElement body)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = "The body must be a JSON object such as {\"tickRateHz\": 30, \"tunables\": {\"MaxSpeed\": 250}}.";
            return (null, errors);
        }
        var patch = new RoomConfigPatch();
        foreach (var property in body.EnumerateObject())
        {
            var name = property.Name;
            var value = property.Value;
            if (s_integerFields.Contains(name, StringComparer.Ordinal))
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
                {
                    errors[name] = $"{name} must be a whole number.";
                    continue;
                }
                patch = name switch
                {
                    "tickRateHz" => patch with { TickRateHz = number },
                    "snapshotEveryTicks" => patch with { SnapshotEveryTicks = number },
                    "maxPlayers" => patch with { MaxPlayers = number },
                    "inputQueueCapacity" => patch with { InputQueueCapacity = number },
                    _ => patch with { MaxCatchUpSteps = number },
                };
            }
            else if (name is "emptyRoomGraceSeconds" or "reconnectGraceSeconds" or "checkpointIntervalSeconds")
            {
                if (value.ValueKind != JsonValueKind.Number)
                {
                    errors[name] = $"{name} must be a number.";
                    continue;
                }
                var seconds = value.GetDouble();
                patch = name switch
                {
                    "emptyRoomGraceSeconds" => patch with { EmptyRoomGraceSeconds = seconds },
                    "reconnectGraceSeconds" => patch with { ReconnectGraceSeconds = seconds },
                    _ => patch with { CheckpointIntervalSeconds = seconds },
                };
            }
            else if (name == "tunables")
            {
                if (value.ValueKind != JsonValueKind.Object)
                {
                    errors[name] = "tunables must be an object of numbers, e.g. {\"MaxSpeed\": 250}.";
                    continue;
                }
                var tunables = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var tunable in value.EnumerateObject())
                {
                    if (tunable.Value.ValueKind != JsonValueKind.Number)
                    {
                        errors["tunables." + tunable.Name] = $"tunables.{tunable.Name} must be a number.";
                        continue;
                    }
                    tunables[tunable.Name] = tunable.Value.GetDouble();
                }
                patch = patch with { Tunables = tunables };
            }
            else
            {
                errors[name] = $"{name} is not a setting; settings are {string.Join(", ", s_integerFields)}, emptyRoomGraceSeconds and tunables.";
            }
        }
        if (errors.Count == 0 && patch.IsEmpty)
        {
            errors["body"] = "The change is empty: name at least one setting.";
        }
        return errors.Count == 0 ? (patch, errors) : (null, errors);
    }

    /// <summary>Grain-side field names (<c>TickRateHz</c>, <c>Tunables.MaxSpeed</c>) as the API's JSON names.</summary>
    public static Dictionary<string, string> ToJsonNames(IReadOnlyDictionary<string, string> errors) =>
        errors.ToDictionary(
            e => e.Key.StartsWith("Tunables.", StringComparison.Ordinal) ? "tunables." + e.Key["Tunables.".Length..] : JsonNamingPolicy.CamelCase.ConvertName(e.Key),
            e => e.Value,
            StringComparer.Ordinal);
}
