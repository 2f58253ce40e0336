using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using GameServer.Auth;
using GameServer.Host;
using GameServer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// The embedded server (silo + edge) on real sockets, in the Development environment as a Unity developer runs it
    /// (<c>dotnet run --project src/GameServer.Host</c>), on its own ports and with a test signing key.
    /// </summary>
    public sealed class TestHost : IAsyncDisposable
    {
        /// <summary>The signing key the host trusts, so tests can make tokens.</summary>
        public static readonly string SigningKey = GameTokenIssuer.NewSigningKey();

        private readonly WebApplication _app;
        private readonly GameTokenIssuer _tokens = new GameTokenIssuer(SigningKey);

        private TestHost(WebApplication app, Uri httpUri, HostLog logs)
        {
            _app = app;
            Logs = logs;
            HttpUri = httpUri;
            WebSocketUri = new Uri("ws://" + httpUri.Authority + "/ws");
        }

        /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
        public Uri HttpUri { get; }

        /// <summary>What the host logged at Warning or above, for the log guard (<see cref="CheckLogsAttribute"/>).</summary>
        public HostLog Logs { get; }

        /// <summary>e.g. <c>ws://127.0.0.1:41234/ws</c>.</summary>
        public Uri WebSocketUri { get; }

        public static async Task<TestHost> StartAsync()
        {
            var logs = new HostLog("host");
            var options = new WebApplicationOptions { ContentRootPath = RepoPaths.HostProject, EnvironmentName = "Development" };
            var app = EmbeddedServer.Build(options, builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Urls"] = "http://127.0.0.1:0",
                    ["Silo:SiloPort"] = FreePort.Next().ToString(),
                    ["Silo:GatewayPort"] = FreePort.Next().ToString(),
                    ["Silo:DashboardEnabled"] = "false",
                    ["Logging:LogLevel:Default"] = "Warning",
                    ["Auth:SigningKey"] = SigningKey,
                });
                builder.Logging.AddProvider(logs);
            });
            await app.StartAsync();
            return new TestHost(app, new Uri(EmbeddedServer.Addresses(app).First()), logs);
        }

        /// <summary>A signed token for <paramref name="playerId"/> (a fresh player unless given), valid for 30 minutes.</summary>
        public string NewToken(string? playerId = null) =>
            _tokens.Issue(playerId ?? NewPlayerId(), TimeSpan.FromMinutes(30));

        public static string NewPlayerId() => "unity-" + Guid.NewGuid().ToString("N").Substring(0, 10);

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
