using GameServer.Admin;
using GameServer.Clustering;
using GameServer.Edge;
using GameServer.EdgeHost;
using GameServer.Observability;
using Microsoft.Extensions.FileProviders;

// A cluster edge: players' WebSockets at /ws and the admin API on `Urls`, /metrics, /healthz and /readyz on
// `Management:Urls`; an Orleans client of the silos it finds in Redis. Stateless: any edge serves any room, so a load balancer needs no sticky sessions.
// Content root is the build output, where appsettings.json is, whatever the working directory (`dotnet path/to/dll`).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var host = builder.Configuration.GetSection(EdgeHostOptions.SectionName).Get<EdgeHostOptions>() ?? new EdgeHostOptions();

builder.UseOrleansClient(client => client.UseGameServerCluster(builder.Configuration));
builder.Services.AddGameServerEdge(builder.Configuration);
builder.Services.AddGameServerAdmin();
builder.AddGameServerObservability();
builder.AddGameServerManagementPort(defaultGameUrl: "http://localhost:5101");

var app = builder.Build();
app.UseGameServerManagementPort();
app.UseGameServerEdge();
if (!string.IsNullOrEmpty(host.StaticFilesPath))
{
    var files = new PhysicalFileProvider(Path.GetFullPath(host.StaticFilesPath));
    app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
    app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
}
app.UseAuthentication();
app.UseAuthorization();
app.MapGameServerEdge();
app.MapGameServerAdmin();
app.MapGameServerObservability();
app.MapDevelopmentTokens();
await app.RunAsync();
