using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans;
using Orleans.Runtime;

namespace GameServer.Observability;

/// <summary>The silo in this process is ready once cluster membership lists it as active.</summary>
internal sealed class SiloReadinessCheck : IHealthCheck
{
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _silo;

    public SiloReadinessCheck(IClusterMembershipService membership, ILocalSiloDetails silo)
    {
        _membership = membership;
        _silo = silo;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = _membership.CurrentSnapshot.GetSiloStatus(_silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Silo {_silo.SiloAddress} is active.")
            : HealthCheckResult.Unhealthy($"Silo {_silo.SiloAddress} is {status}."));
    }
}
