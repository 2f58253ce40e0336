using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace GameServer.Observability;

/// <summary>
/// Ready between "started" and "stopping": a load balancer stops sending new players to a draining process before its
/// connections are closed.
/// </summary>
internal sealed class HostLifetimeReadinessCheck : IHealthCheck
{
    private readonly IHostApplicationLifetime _lifetime;

    public HostLifetimeReadinessCheck(IHostApplicationLifetime lifetime) => _lifetime = lifetime;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            _lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("The host is stopping.")
            : _lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy("The host has started.")
            : HealthCheckResult.Unhealthy("The host is still starting."));
}
