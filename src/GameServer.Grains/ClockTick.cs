namespace GameServer.Grains;

/// <summary>What one timer callback does: run <paramref name="Steps"/>, then arm the timer for <paramref name="NextDue"/>.</summary>
/// <param name="Lateness">How long after its due time the callback ran (negative if early).</param>
internal readonly record struct ClockTick(int Steps, TimeSpan Lateness, TimeSpan NextDue);
