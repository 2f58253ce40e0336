using System.Net;
using System.Threading.RateLimiting;

namespace GameServer.Edge;

/// <summary>
/// Caps open game connections per edge and per client IP with System.Threading.RateLimiting concurrency limiters:
/// a connection holds one permit of each for its lifetime.
/// </summary>
internal sealed class ConnectionLimits : IDisposable
{
    private readonly ConcurrencyLimiter _edge;
    private readonly PartitionedRateLimiter<IPAddress> _perIp;

    public ConnectionLimits(EdgeOptions options)
    {
        _edge = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = options.MaxConnections, QueueLimit = 0 });
        var perIp = options.MaxConnectionsPerIp;
        _perIp = PartitionedRateLimiter.Create<IPAddress, IPAddress>(ip => RateLimitPartition.GetConcurrencyLimiter(
            ip, _ => new ConcurrencyLimiterOptions { PermitLimit = perIp, QueueLimit = 0 }));
    }

    /// <summary>Takes a permit of both limits; <see cref="Lease.Refusal"/> says which one was full.</summary>
    public Lease TryAcquire(IPAddress? remote)
    {
        var edge = _edge.AttemptAcquire();
        if (!edge.IsAcquired)
        {
            edge.Dispose();
            return new Lease(null, null, LimitRefusal.EdgeFull);
        }
        var ip = _perIp.AttemptAcquire(remote ?? IPAddress.None);
        if (!ip.IsAcquired)
        {
            ip.Dispose();
            edge.Dispose();
            return new Lease(null, null, LimitRefusal.IpFull);
        }
        return new Lease(edge, ip, LimitRefusal.None);
    }

    public void Dispose()
    {
        _edge.Dispose();
        _perIp.Dispose();
    }

    internal enum LimitRefusal
    {
        None,
        EdgeFull,
        IpFull,
    }

    internal sealed class Lease(RateLimitLease? edge, RateLimitLease? ip, LimitRefusal refusal) : IDisposable
    {
        public LimitRefusal Refusal { get; } = refusal;

        public void Dispose()
        {
            ip?.Dispose();
            edge?.Dispose();
        }
    }
}
