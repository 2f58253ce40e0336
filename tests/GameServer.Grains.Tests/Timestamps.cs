using System.Diagnostics;

namespace GameServer.Grains.Tests;

/// <summary>Explicit <see cref="Stopwatch"/> timestamps for driving clock-based parts without waiting on the wall clock.</summary>
internal static class Timestamps
{
    /// <summary>An arbitrary non-zero origin, so no test depends on time zero meaning "never".</summary>
    public static readonly long Origin = Stopwatch.Frequency * 1_000;

    public static long At(double ms) => Origin + (long)(ms * Stopwatch.Frequency / 1_000);
}
