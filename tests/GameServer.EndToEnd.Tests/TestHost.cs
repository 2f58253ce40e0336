using GameServer.Auth;
using GameServer.Host;
using GameServer.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// An embedded server (silo + edge + demo page) on real sockets with its own ports and settings: the game on a port
/// Kestrel picks, the operator endpoints (/metrics, /healthz, /readyz) on a free management port of its own.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    /// <summary>The signing key every test host uses, so tests can make tokens.</summary>
    public static readonly string SigningKey = GameTokenIssuer.NewSigningKey();

    /// <summary>The management port's setting.</summary>
    public const string ManagementUrls = "Management:Urls";

    private readonly WebApplication _app;

    private TestHost(WebApplication app, Uri httpUri, Uri managementUri, HostLog logs)
    {
        _app = app;
        Logs = logs;
        HttpUri = httpUri;
        ManagementUri = managementUri;
        WebSocketUri = new Uri(httpUri.GetLeftPart(UriPartial.Authority).Replace("http", "ws", StringComparison.Ordinal) + "/ws");
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri HttpUri { get; }

    /// <summary>e.g. <c>ws://127.0.0.1:41234/ws</c>, without a token.</summary>
    public Uri WebSocketUri { get; }

    /// <summary>
    /// Where /metrics, /healthz and /readyz answer in every environment (Management:Urls), e.g.
    /// <c>http://127.0.0.1:41235</c>; in Production only there.
    /// </summary>
    public Uri ManagementUri { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>What the host logged at Warning or above; the log guard checks it when the test ends.</summary>
    public HostLog Logs { get; }

    /// <summary>The host's /metrics, scraped now.</summary>
    internal async Task<PrometheusText> MetricsAsync()
    {
        using var http = new HttpClient { BaseAddress = ManagementUri };
        return new PrometheusText(await http.GetStringAsync("/metrics"));
    }

    /// <summary>Issues tokens the host accepts.</summary>
    public GameTokenIssuer Tokens { get; } = new(SigningKey);

    /// <summary>A fresh player token (a new player id unless one is given).</summary>
    public string NewToken(string? playerId = null) =>
        Tokens.Issue(playerId ?? "player-" + Guid.NewGuid().ToString("N")[..10], TimeSpan.FromMinutes(30));

    /// <summary>
    /// Starts a host in <paramref name="environment"/> with the test key plus <paramref name="settings"/>, for the running
    /// test: what it logs at Warning or above fails the test unless the test allows it (<see cref="AllowLogAttribute"/>).
    /// </summary>
    /// <param name="configure">Changes that configuration cannot express (e.g. socket transport options), applied after the settings.</param>
    public static async Task<TestHost> StartAsync(
        string environment, IDictionary<string, string?>? settings = null, string? urls = "http://127.0.0.1:0", Action<WebApplicationBuilder>? configure = null)
    {
        var scope = TestLogScope.Required;
        var host = await StartSharedAsync(environment, settings, urls, configure);
        scope.Watch(host.Logs);
        return host;
    }

    /// <summary>
    /// Starts a host for a fixture that several tests share: each test watches <see cref="Logs"/> when it reads the
    /// fixture's host, and the fixture calls <see cref="HostLog.AssertNoUncheckedEntries"/> when it disposes it.
    /// </summary>
    public static async Task<TestHost> StartSharedAsync(
        string environment, IDictionary<string, string?>? settings = null, string? urls = "http://127.0.0.1:0", Action<WebApplicationBuilder>? configure = null)
    {
        var logs = new HostLog(environment == "Production" ? "production host" : "host");
        var options = new WebApplicationOptions { ContentRootPath = RepoPaths.HostProject, EnvironmentName = environment };
        var app = EmbeddedServer.Build(options, builder =>
        {
            var config = new Dictionary<string, string?>
            {
                [ManagementUrls] = $"http://127.0.0.1:{FreePort.Next()}",
                ["Silo:SiloPort"] = FreePort.Next().ToString(),
                ["Silo:GatewayPort"] = FreePort.Next().ToString(),
                ["Logging:LogLevel:Default"] = "Warning",
                ["Auth:SigningKey"] = SigningKey,
            };
            if (urls is not null)
            {
                config["Urls"] = urls;
            }
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                config[key] = value;
            }
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.AddProvider(logs);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var management = app.Services.GetRequiredService<ManagementPort>();
        var addresses = EmbeddedServer.Addresses(app).Select(address => new Uri(address)).ToList();
        var game = addresses.First(uri => !management.IsManagementPort(uri.Port));
        // A test that empties Management:Urls (Development) has the operator endpoints on the game port.
        return new TestHost(app, game, addresses.FirstOrDefault(uri => management.IsManagementPort(uri.Port)) ?? game, logs);
    }

    /// <summary>
    /// A host built with <paramref name="settings"/> but not started and without the test key unless given, for
    /// tests that expect start-up to fail.
    /// </summary>
    public static WebApplication BuildUnstarted(string environment, IDictionary<string, string?> settings)
    {
        var options = new WebApplicationOptions { ContentRootPath = RepoPaths.HostProject, EnvironmentName = environment };
        return EmbeddedServer.Build(options, builder =>
        {
            var config = new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                [ManagementUrls] = $"http://127.0.0.1:{FreePort.Next()}",
                ["Silo:SiloPort"] = FreePort.Next().ToString(),
                ["Silo:GatewayPort"] = FreePort.Next().ToString(),
                ["Logging:LogLevel:Default"] = "None",
            };
            foreach (var (key, value) in settings)
            {
                config[key] = value;
            }
            builder.Configuration.AddInMemoryCollection(config);
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
