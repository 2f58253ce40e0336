namespace GameServer.Grains;

/// <summary>
/// When a room starts its next checkpoint. <c>CheckpointIntervalSeconds</c> promises the most game time a silo crash
/// costs, so a save must be durable within the interval, not merely started: the room starts each one early by the ticks
/// its recent writes took, plus one for a late timer's catch-up step.
/// </summary>
public static class CheckpointCadence
{
    /// <summary>The interval in whole ticks (at least one).</summary>
    public static long IntervalTicks(double intervalSeconds, int tickRateHz) =>
        Math.Max(1, (long)Math.Floor(intervalSeconds * tickRateHz));

    /// <summary>
    /// Ticks from one checkpoint's start to the next: the interval less the lead. Never under half the interval, so
    /// slow storage makes saves more frequent only so far (one write is in flight at a time anyway).
    /// </summary>
    public static long TicksBetweenSaves(double intervalSeconds, int tickRateHz, long writeTicks)
    {
        var interval = IntervalTicks(intervalSeconds, tickRateHz);
        var lead = 1 + Math.Max(0, writeTicks);
        return Math.Max(Math.Max(1, interval / 2), interval - lead);
    }

    /// <summary>
    /// The write time to plan for after a write took <paramref name="took"/>: that many ticks rounded up, or the previous
    /// figure less one tick if that is more, so one slow write brings the next saves forward and the effect wears off.
    /// </summary>
    public static long NextWriteTicks(long previousWriteTicks, TimeSpan took, int tickRateHz) =>
        Math.Max((long)Math.Ceiling(took.TotalSeconds * Math.Max(1, tickRateHz)), previousWriteTicks - 1);
}
