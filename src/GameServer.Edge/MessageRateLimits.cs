using System.Threading.RateLimiting;

namespace GameServer.Edge;

/// <summary>
/// One connection's message budgets (token buckets from System.Threading.RateLimiting): inputs, control messages
/// (join, leave, ping) and a strike allowance spent by every refused message. A client a little over its rate is only
/// trimmed; one that floods runs out of strikes and is closed. Buckets refill by elapsed time on use, so a connection
/// costs no timer.
/// </summary>
internal sealed class MessageRateLimits : IDisposable
{
    private readonly TokenBucketRateLimiter _inputs;
    private readonly TokenBucketRateLimiter _control;
    private readonly TokenBucketRateLimiter _strikes;

    public MessageRateLimits(EdgeOptions options)
    {
        _inputs = Bucket(options.InputsPerSecond, options.InputBurst);
        _control = Bucket(options.ControlMessagesPerSecond, options.ControlBurst);
        _strikes = Bucket(options.RateLimitStrikesPerSecond, options.MaxRateLimitStrikes);
    }

    /// <summary>True when an input may be forwarded.</summary>
    public bool TryInput() => TryTake(_inputs);

    /// <summary>True when a join, leave or ping may be handled.</summary>
    public bool TryControl() => TryTake(_control);

    /// <summary>Records a refused message; false once the connection has used up its strikes.</summary>
    public bool TryStrike() => TryTake(_strikes);

    public void Dispose()
    {
        _inputs.Dispose();
        _control.Dispose();
        _strikes.Dispose();
    }

    private static TokenBucketRateLimiter Bucket(int perSecond, int burst) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = false,
    });

    private static bool TryTake(TokenBucketRateLimiter bucket)
    {
        bucket.TryReplenish();
        using var lease = bucket.AttemptAcquire();
        return lease.IsAcquired;
    }
}
