using System.Diagnostics;

namespace GameServer.Grains;

/// <summary>
/// Housekeeping a tick does now and then rather than every time (sweeping expired seats, re-announcing the room): due
/// once the period has passed since it last ran. Times are <see cref="Stopwatch"/> timestamps.
/// </summary>
internal sealed class Periodic(TimeSpan period, long lastRunAt)
{
    private long _lastRunAt = lastRunAt;

    /// <summary>True, and counted as run at <paramref name="now"/>, if the period has passed; otherwise false.</summary>
    public bool TryRun(long now)
    {
        if (Stopwatch.GetElapsedTime(_lastRunAt, now) < period)
        {
            return false;
        }
        _lastRunAt = now;
        return true;
    }
}
