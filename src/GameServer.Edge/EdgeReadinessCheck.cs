using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GameServer.Edge;

/// <summary>
/// The edge is ready when a grain call reaches the cluster and it reports at least one active silo: a player sent here
/// could be given a room.
/// </summary>
internal sealed class EdgeReadinessCheck : IHealthCheck
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(2);

    private readonly IGrainFactory _grains;

    public EdgeReadinessCheck(IGrainFactory grains) => _grains = grains;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var silos = await _grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)
                .WaitAsync(s_timeout, cancellationToken).ConfigureAwait(false);
            return silos.Count > 0
                ? HealthCheckResult.Healthy($"{silos.Count} active silo(s) reachable.")
                : HealthCheckResult.Unhealthy("The cluster reports no active silo.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The cluster did not answer a grain call.", ex);
        }
    }
}
