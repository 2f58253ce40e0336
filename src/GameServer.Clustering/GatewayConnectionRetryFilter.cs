using Microsoft.Extensions.Logging;

namespace GameServer.Clustering;

/// <summary>
/// Keeps an edge retrying its first connection to the cluster, once a second, instead of failing start-up when that
/// fails, e.g. when the gateways listed in Redis belong to silos that are gone (a full cluster restart). With no gateway
/// listed at all, Orleans itself waits for one.
/// </summary>
internal sealed partial class GatewayConnectionRetryFilter : IClientConnectionRetryFilter
{
    private static readonly TimeSpan s_retryDelay = TimeSpan.FromSeconds(1);

    private readonly ILogger<GatewayConnectionRetryFilter> _logger;
    private int _attempts;

    public GatewayConnectionRetryFilter(ILogger<GatewayConnectionRetryFilter> logger) => _logger = logger;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        Log.Retrying(_logger, attempt, exception.Message);
        await Task.Delay(s_retryDelay, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "No silo gateway answered (attempt {Attempt}): {Reason}. Retrying in 1 s; check Cluster:RedisConnectionString and that silos are running.")]
        public static partial void Retrying(ILogger logger, int attempt, string reason);
    }
}
