using System.Diagnostics;

namespace GameServer.LoadTest.Measurement;

/// <summary>The monotonic clock every measurement uses (Stopwatch ticks), and conversions from it.</summary>
internal static class Clock
{
    public static long Now => Stopwatch.GetTimestamp();

    public static long Microseconds(long ticks) => (long)(ticks * (1_000_000.0 / Stopwatch.Frequency));

    public static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    public static long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);
}
