using GameServer.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GameServer.Edge;

/// <summary>Wires the WebSocket edge into an ASP.NET Core host that has an Orleans silo or client.</summary>
public static class EdgeExtensions
{
    /// <summary>Registers the edge's services and binds <see cref="EdgeOptions"/> from the <c>Edge</c> section.</summary>
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
        services.AddSingleton<GameEndpoint>();
        services.AddHostedService<SubscriptionRenewer>();
        // Tagged "ready" so it gates /readyz (see GameServer.Observability), not liveness.
        services.AddHealthChecks().AddCheck<EdgeReadinessCheck>("edge-cluster", tags: ["ready"]);
        return services;
    }

    /// <summary>Maps the game endpoint at <see cref="ProtocolVersion.Path"/> (<c>/ws</c>).</summary>
    public static IEndpointConventionBuilder MapGameServerEdge(this IEndpointRouteBuilder endpoints)
    {
        var endpoint = endpoints.ServiceProvider.GetRequiredService<GameEndpoint>();
        return endpoints.Map(ProtocolVersion.Path, (RequestDelegate)endpoint.HandleAsync);
    }

    /// <summary>Enables WebSockets; call before <see cref="MapGameServerEdge"/>.</summary>
    public static IApplicationBuilder UseGameServerEdge(this IApplicationBuilder app) => app.UseWebSockets();
}
