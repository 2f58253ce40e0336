using GameServer.Admin;
using GameServer.Edge;
using GameServer.Grains;
using GameServer.Observability;
using GameServer.Simulation.Games.Arena;
using GameServer.Simulation.Games.Tag;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orleans.Dashboard;

namespace GameServer.Host;

/// <summary>
/// Composes the embedded server: localhost-clustered silo with in-memory storage, the edge, the demo page, the
/// designers' admin API and page (/admin) on the game port, and the operator endpoints (/metrics, /healthz, /readyz,
/// /dashboard) on the management port (<c>Management:Urls</c>; on every port in Development).
/// </summary>
public static partial class EmbeddedServer
{
    /// <summary>Where the Orleans Dashboard is served when <see cref="SiloOptions.DashboardEnabled"/>.</summary>
    public const string DashboardPath = "/dashboard";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null) =>
        Build(new WebApplicationOptions { Args = args }, configure);

    /// <param name="options">Where content (appsettings.json, wwwroot) comes from; tests point it at the project folder.</param>
    /// <param name="configure">Last-minute changes before the services are composed, e.g. test ports.</param>
    public static WebApplication Build(WebApplicationOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(options);
        configure?.Invoke(builder);

        var silo = builder.Configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();
        var siloPort = LoopbackPorts.Resolve(silo.SiloPort, $"{SiloOptions.SectionName}:{nameof(SiloOptions.SiloPort)}");
        var gatewayPort = LoopbackPorts.Resolve(silo.GatewayPort, $"{SiloOptions.SectionName}:{nameof(SiloOptions.GatewayPort)}");
        builder.UseOrleans(siloBuilder =>
        {
            siloBuilder
                .UseLocalhostClustering(siloPort: siloPort, gatewayPort: gatewayPort)
                .AddMemoryGrainStorage(RoomStorage.Settings)
                .AddMemoryGrainStorage(RoomStorage.Checkpoints);
            if (silo.DashboardEnabled)
            {
                siloBuilder.AddDashboard();
            }
        });
        builder.Services.AddGame<ArenaGame>();
        builder.Services.AddGame<TagGame>();
        builder.Services.AddRoomSettings(builder.Configuration);
        builder.Services.AddGameServerEdge(builder.Configuration);
        builder.Services.AddGameServerAdmin();
        builder.AddGameServerObservability();
        builder.AddGameServerManagementPort();
        builder.Services.AddHealthChecks().AddSiloReadinessCheck();

        var app = builder.Build();
        app.UseGameServerManagementPort();
        app.UseGameServerEdge();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGameServerEdge();
        app.MapGameServerAdmin();
        app.MapGameServerObservability();
        app.MapDevelopmentTokens();
        if (silo.DashboardEnabled)
        {
            app.MapOrleansDashboard(routePrefix: DashboardPath).RequireManagementPort();
        }
        app.Lifetime.ApplicationStarted.Register(() => LogWhereToPlay(app));
        return app;
    }

    /// <summary>The addresses Kestrel bound (useful with port 0).</summary>
    public static IReadOnlyCollection<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];

    private static void LogWhereToPlay(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GameServer");
        var management = app.Services.GetRequiredService<ManagementPort>();
        foreach (var address in Addresses(app))
        {
            if (management.IsManagementPort(new Uri(address).Port))
            {
                Log.Management(logger, address);
                continue;
            }
            var ws = address.Replace("http://", "ws://", StringComparison.Ordinal).Replace("https://", "wss://", StringComparison.Ordinal);
            Log.Ready(logger, address, ws + GameServer.Protocol.ProtocolVersion.Path);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "GameServer ready: open {Address} in two browser tabs to play (game WebSocket: {WebSocketUrl})")]
        public static partial void Ready(ILogger logger, string address, string webSocketUrl);

        [LoggerMessage(2, LogLevel.Information, "Operator endpoints (/metrics, /healthz, /readyz, /dashboard) at {Address}")]
        public static partial void Management(ILogger logger, string address);
    }
}
