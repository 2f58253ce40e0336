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
