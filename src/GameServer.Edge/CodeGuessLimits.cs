using System.Net;
using System.Threading.RateLimiting;

namespace GameServer.Edge;

/// <summary>
/// Bounds how fast room codes can be tried (every JoinByCode counts, right or wrong): per connection and per client
/// address, each a budget refilled every minute. A friend types a code once; someone walking the code space needs
/// millions of tries (docs/security.md has the numbers).
/// </summary>
internal sealed class CodeGuessLimits : IDisposable
{
    private readonly EdgeOptions _options;
    private readonly PartitionedRateLimiter<string> _perAddress;

    public CodeGuessLimits(EdgeOptions options)
    {
        _options = options;
        // Partitions of addresses not seen for a while are dropped by the limiter itself, so the map stays bounded.
        _perAddress = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(
            address, _ => Bucket(options.CodeAttemptsPerMinutePerIp)));
    }

    /// <summary>A connection's own budget, on top of its address's.</summary>
    public Gate ForConnection(IPAddress? address) => new(this, address?.ToString() ?? "unknown");

    public void Dispose() => _perAddress.Dispose();

    private static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = perMinute,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    /// <summary>One connection's attempts; created with the session, its bucket only on the first attempt.</summary>
    internal sealed class Gate(CodeGuessLimits limits, string address) : IDisposable
    {
        private TokenBucketRateLimiter? _connection;

        /// <summary>Takes one attempt from the connection's and the address's budget; false when either is spent.</summary>
        public bool TryAttempt()
        {
            _connection ??= new TokenBucketRateLimiter(Bucket(limits._options.CodeAttemptsPerMinute));
            _connection.TryReplenish();
            using var own = _connection.AttemptAcquire();
            if (!own.IsAcquired)
            {
                return false;
            }
            using var shared = limits._perAddress.AttemptAcquire(address);
            return shared.IsAcquired;
        }

        public void Dispose() => _connection?.Dispose();
    }
}
