using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace GameServer.Observability;

/// <summary>Metrics and health endpoints shared by every GameServer process (embedded, silo-only, edge-only).</summary>
public static class ObservabilityExtensions
{
    /// <summary>Tag of health checks that gate readiness (<c>/readyz</c>); untagged checks count for liveness only.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Path of the Prometheus scrape endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Path of the liveness probe.</summary>
    public const string LivenessPath = "/healthz";

    /// <summary>Path of the readiness probe.</summary>
    public const string ReadinessPath = "/readyz";

    private const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    private const string OpenTelemetryListener = "OpenTelemetry";

    // Meters a host makes with its own IMeterFactory: the game's (GameServer.Rooms, GameServer.Edge and whatever a game
    // adds, by prefix), ASP.NET Core's, Kestrel's and SignalR's.
    private static readonly string[] s_hostMeters =
    [
        "GameServer",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
    ];

    // Process-wide meters, one per process whichever host made them.
    private static readonly string[] s_processMeters = ["Microsoft.Orleans", "System.Runtime"];

    /// <summary>
    /// Exports the game, Orleans, ASP.NET Core, Kestrel and .NET runtime meters for Prometheus, and registers the
    /// health checks: the process is live while it answers; it is ready once the host has started and until it stops.
    /// </summary>
    public static IHostApplicationBuilder AddGameServerObservability(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(s_processMeters)
            // No response cache: every scrape is current (Prometheus scrapes every few seconds; a scrape costs little).
            .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        // Local scope: this host's meters only. AddMeter would also take the same-named meters of every other host in
        // the process (tests run several side by side), and each /metrics would count all their connections.
        builder.Services.AddMetrics(metrics =>
        {
            foreach (var meter in s_hostMeters)
            {
                metrics.EnableMetrics(meter, instrumentName: null, OpenTelemetryListener, MeterScope.Local);
            }
        });
        builder.Services.AddHealthChecks()
            .AddCheck<HostLifetimeReadinessCheck>("host-lifetime", tags: [ReadyTag]);
        // The health-check service logs an Error at every probe that finds a check unhealthy (every probe of a starting
        // process); ReadinessLog logs each change once instead, with the failing checks and their exceptions.
        builder.Services.AddSingleton<ReadinessLog>();
        builder.Logging.AddFilter(HealthCheckServiceCategory, LogLevel.None);
        return builder;
    }

    /// <summary>
    /// Adds the <c>silo</c> readiness check to a process that hosts a silo: ready once cluster membership lists this
    /// silo as active.
    /// </summary>
    public static IHealthChecksBuilder AddSiloReadinessCheck(this IHealthChecksBuilder healthChecks)
    {
        ArgumentNullException.ThrowIfNull(healthChecks);
        return healthChecks.AddCheck<SiloReadinessCheck>("silo", tags: [ReadyTag]);
    }

    /// <summary>
    /// Maps <c>/metrics</c> (Prometheus text format), <c>/healthz</c> (liveness) and <c>/readyz</c> (readiness), on
    /// the management port only outside Development (<see cref="ManagementPortExtensions"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapGameServerObservability(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireManagementPort();
        // Liveness runs no checks: a process that can answer HTTP is alive; restarting it for a dependency outage would not help.
        endpoints.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false }).RequireManagementPort();
        // Resolved here, before the host starts, so "ready after N s" counts from start-up, not from the first probe.
        var readiness = endpoints.ServiceProvider.GetRequiredService<ReadinessLog>();
        endpoints.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = (context, report) =>
            {
                readiness.Observe(report);
                return HealthReportWriter.WriteAsync(context, report);
            },
        }).RequireManagementPort();
        return endpoints;
    }
}
