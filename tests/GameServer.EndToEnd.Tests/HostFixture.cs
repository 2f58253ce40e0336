using GameServer.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace GameServer.EndToEnd.Tests;

/// <summary>One embedded server (silo + edge + demo page) on real sockets, shared by a test collection.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri HttpUri { get; private set; } = null!;

    /// <summary>e.g. <c>ws://127.0.0.1:41234/ws</c>.</summary>
    public Uri WebSocketUri { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        var options = new WebApplicationOptions { ContentRootPath = RepoPaths.HostProject, EnvironmentName = "Testing" };
        _app = EmbeddedServer.Build(options, builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["Silo:SiloPort"] = FreePort.Next().ToString(),
                ["Silo:GatewayPort"] = FreePort.Next().ToString(),
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        await _app.StartAsync();
        var address = EmbeddedServer.Addresses(_app).First();
        HttpUri = new Uri(address);
        WebSocketUri = new Uri(address.Replace("http://", "ws://") + "/ws");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "host";
}
