namespace GameServer.Simulation.Games.Arena;

/// <summary>What a designer can tune in the arena.</summary>
public sealed record ArenaTunables
{
    /// <summary>Side of the square arena, in arena units. Default 1000.</summary>
    public float ArenaSize { get; init; } = 1000f;

    /// <summary>Speed at full input (|d| = 1), units per second. Default 200.</summary>
    public float MaxSpeed { get; init; } = 200f;

    /// <summary>
    /// How fast velocity approaches the input's target, units per second squared; 0 sets it instantly (the benchmark
    /// workload). Default 0.
    /// </summary>
    public float AccelerationPerSec2 { get; init; }

    /// <summary>The arena's tunables as the admin API and configuration see them.</summary>
    public static IReadOnlyList<TunableDefinition> Definitions { get; } =
    [
        new(nameof(ArenaSize), 1000, 10, 100_000, "units", "Side of the square arena. Players already outside a smaller arena are pulled in at the next step."),
        new(nameof(MaxSpeed), 200, 0, 10_000, "units/s", "Speed at full input."),
        new(nameof(AccelerationPerSec2), 0, 0, 1_000_000, "units/s²", "How fast velocity approaches the input's target; 0 = instant (the benchmark workload)."),
    ];

    /// <summary>Tunables from values by name; missing names keep this instance's values.</summary>
    public ArenaTunables With(IReadOnlyDictionary<string, double> values) => this with
    {
        ArenaSize = values.TryGetValue(nameof(ArenaSize), out var size) ? (float)size : ArenaSize,
        MaxSpeed = values.TryGetValue(nameof(MaxSpeed), out var speed) ? (float)speed : MaxSpeed,
        AccelerationPerSec2 = values.TryGetValue(nameof(AccelerationPerSec2), out var acceleration) ? (float)acceleration : AccelerationPerSec2,
    };

    public void Validate()
    {
        if (!(ArenaSize is >= 10f and <= 100_000f))
        {
            throw new ArgumentException($"Arena: ArenaSize = {ArenaSize} is out of range; allowed 10–100000.", nameof(ArenaSize));
        }
        if (!(MaxSpeed is >= 0f and <= 10_000f))
        {
            throw new ArgumentException($"Arena: MaxSpeed = {MaxSpeed} is out of range; allowed 0–10000.", nameof(MaxSpeed));
        }
        if (!(AccelerationPerSec2 is >= 0f and <= 1_000_000f))
        {
            throw new ArgumentException($"Arena: AccelerationPerSec2 = {AccelerationPerSec2} is out of range; allowed 0–1000000.", nameof(AccelerationPerSec2));
        }
    }
}
