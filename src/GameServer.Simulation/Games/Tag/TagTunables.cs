using System.Globalization;

namespace GameServer.Simulation.Games.Tag;

/// <summary>What a designer can tune in tag. Names are those of the admin API and configuration (<c>Rooms:tag:Tunables:speed</c>).</summary>
public sealed record TagTunables
{
    /// <summary>Speed at full input (|d| = 1), units per second. Default 8.</summary>
    public float Speed { get; init; } = 8f;

    /// <summary>The hunting team changes every this many seconds. Default 30.</summary>
    public double SwapSeconds { get; init; } = 30;

    /// <summary>Tags a team needs to win. Default 10.</summary>
    public int WinScore { get; init; } = 10;

    /// <summary>A team sees enemies within this distance of any of its players, in units. Default 12.</summary>
    public float SightRadius { get; init; } = 12f;

    /// <summary>A player who sends no accepted input for this long is kicked, in seconds. Default 60.</summary>
    public double IdleKickSeconds { get; init; } = 60;

    /// <summary>Tag's tunables as the admin API and configuration see them.</summary>
    public static IReadOnlyList<TunableDefinition> Definitions { get; } =
    [
        new("speed", 8, 0, 100, "units/s", "Speed at full input on the 40 × 40 field."),
        new("swapSeconds", 30, 1, 3600, "s", "How often the hunting team changes; the timer keeps running across a change."),
        new("winScore", 10, 1, 1000, "tags", "Tags a team needs to win and end the room; fractions round to the nearest whole tag."),
        new("sightRadius", 12, 0, 60, "units", "How far from any of its players a team sees enemies (60 sees the whole field)."),
        new("idleKickSeconds", 60, 1, 600, "s", "A player who sends no accepted input for this long is kicked."),
    ];

    /// <summary>Tunables from values by name (as in <see cref="Definitions"/>); missing names keep this instance's values.</summary>
    public TagTunables With(IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return this with
        {
            Speed = values.TryGetValue("speed", out var speed) ? (float)speed : Speed,
            SwapSeconds = values.TryGetValue("swapSeconds", out var swap) ? swap : SwapSeconds,
            WinScore = values.TryGetValue("winScore", out var win) ? (int)Math.Round(win, MidpointRounding.AwayFromZero) : WinScore,
            SightRadius = values.TryGetValue("sightRadius", out var sight) ? (float)sight : SightRadius,
            IdleKickSeconds = values.TryGetValue("idleKickSeconds", out var idle) ? idle : IdleKickSeconds,
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first tunable out of its range.</summary>
    public void Validate()
    {
        foreach (var definition in Definitions)
        {
            var problem = definition.Check(Value(definition.Name));
            if (problem is not null)
            {
                throw new ArgumentException($"Tag: {problem}", definition.Name);
            }
        }
    }

    private double Value(string name) => name switch
    {
        "speed" => Speed,
        "swapSeconds" => SwapSeconds,
        "winScore" => WinScore,
        "sightRadius" => SightRadius,
        "idleKickSeconds" => IdleKickSeconds,
        _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unknown tag tunable '{name}'."), nameof(name)),
    };
}
