using System.Net;
using GameServer.Protocol;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>Wires the WebSocket edge (and its fallback hub) into an ASP.NET Core host that has an Orleans silo or client.</summary>
public static class EdgeExtensions
{
    // How long a stopping edge waits for its hub clients to read their 4003 and go (WebSocket clients: Kestrel waits).
    private static readonly TimeSpan s_drainBound = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Registers the edge's services, binds <see cref="EdgeOptions"/> from the <c>Edge</c> section and player-token
    /// checking from the <c>Auth</c> section (see <see cref="EdgeAuthentication"/>).
    /// </summary>
    public static IServiceCollection AddGameServerEdge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EdgeOptions>()
            .Bind(configuration.GetSection(EdgeOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<EdgeMetrics>();
        services.AddSingleton<RoomLinks>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<HandshakeGate>();
        services.AddSingleton<SessionRunner>();
        services.AddSingleton<GameEndpoint>();
        services.AddSingleton<HubSessions>();
        // The fallback transport: game frames over a SignalR hub (JSON for Server-Sent Events, MessagePack otherwise).
        services.AddSignalR()
            .AddMessagePackProtocol();
        services.AddOptions<HubOptions>().Configure<IOptions<EdgeOptions>>((hub, edge) =>
        {
            // Room for an oversized frame (base64 under JSON) to reach the session, which refuses it with the protocol's
            // 1009 as on the WebSocket; SignalR ends a connection that sends more in one message itself.
            hub.MaximumReceiveMessageSize = HubMessageLimit(edge.Value);
            hub.KeepAliveInterval = TimeSpan.FromSeconds(edge.Value.KeepAliveIntervalSeconds);
            // A dead peer: nothing from the client (its SignalR pings come every keep-alive interval, 15 s by default) for
            // two intervals plus the keep-alive timeout ends the connection, the hub's counterpart of the WebSocket's timeout.
            if (edge.Value.KeepAliveTimeoutSeconds > 0)
            {
                hub.ClientTimeoutInterval = TimeSpan.FromSeconds(2 * edge.Value.KeepAliveIntervalSeconds + edge.Value.KeepAliveTimeoutSeconds);
            }
            hub.EnableDetailedErrors = false;
        });
        services.AddSingleton<LobbyEndpoint>();
        services.AddSingleton(sp => new ConnectionLimits(sp.GetRequiredService<IOptions<EdgeOptions>>().Value));
        services.AddSingleton(sp => new CodeGuessLimits(sp.GetRequiredService<IOptions<EdgeOptions>>().Value));
        services.AddHostedService<SubscriptionRenewer>();
        services.AddHostedService<IdleConnectionSweeper>();
        services.AddGameServerAuthentication(configuration);
        // The HTTP part of the handshake must arrive within the handshake timeout (slowloris guard).
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<EdgeOptions>>((kestrel, edge) =>
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(edge.Value.HandshakeTimeoutSeconds));
        // Bound what a non-reading client can park below the application (see EdgeOptions.SendBufferBytes).
        services.AddOptions<SocketTransportOptions>().Configure<IOptions<EdgeOptions>>((sockets, edge) =>
        {
            sockets.UnsafePreferInlineScheduling = edge.Value.InlineSocketScheduling;
            sockets.WaitForDataBeforeAllocatingBuffer = edge.Value.WaitForDataBeforeAllocatingBuffer;
            var bytes = edge.Value.SendBufferBytes;
            if (bytes == 0)
            {
                return;
            }
            sockets.MaxWriteBufferSize = bytes;
            // Accepted sockets inherit the listening socket's SO_SNDBUF, which also turns off its autotuning.
            sockets.CreateBoundListenSocket = endpoint =>
            {
                var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                socket.SendBufferSize = bytes;
                return socket;
            };
        });
        // Tagged "ready" so it gates /readyz (see GameServer.Observability), not liveness.
        services.AddHealthChecks().AddCheck<EdgeReadinessCheck>("edge-cluster", tags: ["ready"]);
        return services;
    }

    /// <summary>The largest hub message: 64 KiB, or twice the frame limit for base64 and the hub's envelope if that is more.</summary>
    private static int HubMessageLimit(EdgeOptions edge) => Math.Max(64 * 1024, edge.MaxMessageBytes * 2 + 1024);

    /// <summary>
    /// Maps the game endpoint at <see cref="ProtocolVersion.Path"/> (<c>/ws</c>), its fallback hub at
    /// <see cref="HubTransport.Path"/> (<c>/hub</c>) and the lobby's room list at <c>/rooms</c>.
    /// </summary>
    public static IEndpointConventionBuilder MapGameServerEdge(this IEndpointRouteBuilder endpoints)
    {
        var endpoint = endpoints.ServiceProvider.GetRequiredService<GameEndpoint>();
        var lobby = endpoints.ServiceProvider.GetRequiredService<LobbyEndpoint>();
        var edge = endpoints.ServiceProvider.GetRequiredService<IOptions<EdgeOptions>>().Value;
        endpoints.MapGet(LobbyEndpoint.Path, (Func<HttpContext, Task<IResult>>)lobby.HandleAsync);
        endpoints.MapHub<GameHub>(HubTransport.Path, hub =>
        {
            hub.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;
            // What a client that does not poll can park in the edge's memory, as Edge:SendBufferBytes bounds a socket.
            hub.TransportMaxBufferSize = Math.Max(edge.SendBufferBytes, 16 * 1024);
            hub.ApplicationMaxBufferSize = HubMessageLimit(edge);
            hub.WebSockets.SubProtocolSelector = null;
        });
        // Draining: every player is told to reconnect elsewhere and resume (their seats wait in the rooms). Registered after
        // the hub's mapping so that it runs before SignalR closes its connections (stopping callbacks run last-first).
        var sessions = endpoints.ServiceProvider.GetRequiredService<SessionRegistry>();
        endpoints.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping
            .Register(() => sessions.DrainAll(s_drainBound));
        return endpoints.Map(ProtocolVersion.Path, (RequestDelegate)endpoint.HandleAsync);
    }

    /// <summary>
    /// Enables WebSockets, the fallback hub's request checks, and forwarded headers from <see cref="EdgeOptions.TrustedProxies"/> when any are set; call
    /// before <see cref="MapGameServerEdge"/>.
    /// </summary>
    public static IApplicationBuilder UseGameServerEdge(this IApplicationBuilder app)
    {
        var proxies = app.ApplicationServices.GetRequiredService<IOptions<EdgeOptions>>().Value.TrustedProxies;
        if (proxies.Length > 0)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            // Only the configured proxies; not the framework's default of trusting loopback.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            app.UseForwardedHeaders(forwarded);
        }
        app.UseWebSockets();
        var hubSessions = app.ApplicationServices.GetRequiredService<HubSessions>();
        return app.UseWhen(
            context => context.Request.Path.StartsWithSegments(HubTransport.Path),
            hub => hub.Use(next => context => hubSessions.GateAsync(context, next)));
    }
}
