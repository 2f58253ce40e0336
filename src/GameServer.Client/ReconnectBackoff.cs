namespace GameServer.Client;

/// <summary>
/// The reconnect delay: exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
/// Jitter"). Full jitter (uniform from zero up to the ceiling) spreads a thundering herd best of the common schemes.
/// </summary>
public static class ReconnectBackoff
{
    /// <summary>
    /// The ceiling of the first attempt after a <c>4003 Draining</c> close: the edge asked its clients to move now and
    /// keeps their seats, so they come back within a quarter second rather than after a backoff.
    /// </summary>
    public static readonly TimeSpan DrainDelayCap = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The largest delay before attempt <paramref name="attempt"/> (0-based):
    /// <c>min(MaxDelay, InitialDelay × 2^attempt)</c>, and at most <see cref="DrainDelayCap"/> for attempt 0 after a drain.
    /// </summary>
    public static TimeSpan Ceiling(ReconnectOptions options, int attempt, bool afterDrain)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }
        if (attempt < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(attempt), attempt, "The attempt number starts at 0.");
        }
        // In double: InitialDelay × 2^attempt overflows a long after ~40 doublings; the cap makes the excess moot.
        var ceilingTicks = Math.Min(options.MaxDelay.Ticks, options.InitialDelay.Ticks * Math.Pow(2, Math.Min(attempt, 1023)));
        var ceiling = TimeSpan.FromTicks((long)ceilingTicks);
        return afterDrain && attempt == 0 && ceiling > DrainDelayCap ? DrainDelayCap : ceiling;
    }

    /// <summary>A delay uniform in <c>[0, <see cref="Ceiling"/>)</c>, drawn from <paramref name="random"/>.</summary>
    public static TimeSpan Delay(ReconnectOptions options, int attempt, bool afterDrain, Random random)
    {
        if (random is null)
        {
            throw new ArgumentNullException(nameof(random));
        }
        return TimeSpan.FromTicks((long)(random.NextDouble() * Ceiling(options, attempt, afterDrain).Ticks));
    }
}
