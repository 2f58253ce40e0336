using GameServer.Clustering;
using GameServer.Grains;
using GameServer.Observability;
using GameServer.Silo;
using GameServer.Simulation.Games.Arena;
using GameServer.Simulation.Games.Tag;
using Orleans.Dashboard;

// A cluster silo: runs room grains, joins the cluster through Redis, answers /metrics, /healthz and /readyz on
// `Management:Urls`, its only HTTP listener (it has no game port).
// Content root is the build output, where appsettings.json is, whatever the working directory (`dotnet path/to/dll`).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var host = builder.Configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();

builder.UseOrleans(silo =>
{
    silo.UseGameServerCluster(builder.Configuration);
    if (host.DashboardEnabled)
    {
        silo.AddDashboard();
    }
});
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(host.ShutdownTimeoutSeconds));
builder.Services.AddGame<ArenaGame>();
builder.Services.AddGame<TagGame>();
builder.Services.AddRoomSettings(builder.Configuration);
builder.AddGameServerObservability();
builder.Services.AddHealthChecks().AddSiloReadinessCheck();
builder.AddGameServerManagementPort(servesGame: false);

var app = builder.Build();
app.UseGameServerManagementPort();
app.MapGameServerObservability();
if (host.DashboardEnabled)
{
    app.MapOrleansDashboard(routePrefix: "/dashboard").RequireManagementPort();
}
await app.RunAsync();
