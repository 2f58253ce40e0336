using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GameServer.Observability;

/// <summary>
/// The management port: Kestrel listens on the game's addresses and on <c>Management:Urls</c>, and endpoints marked
/// with <see cref="RequireManagementPort{TBuilder}"/> answer only on the latter (outside Development).
/// </summary>
public static class ManagementPortExtensions
{
    /// <summary>
    /// Validates <c>Management:Urls</c> (start-up fails naming it) and sets what Kestrel listens on: the game's addresses
    /// (<c>Kestrel:Endpoints</c>, else <c>Urls</c>, else <paramref name="defaultGameUrl"/>) and the management URLs.
    /// Call after every configuration source is added (tests add theirs first).
    /// </summary>
    /// <param name="servesGame">False for a process with no game port (the silo): it listens on <c>Management:Urls</c> only.</param>
    /// <param name="defaultGameUrl">
    /// The game's address when no setting gives one. A default in code, not <c>Urls</c> in appsettings.json: Kestrel uses
    /// either its configured endpoints or <c>Urls</c>, and warns "Overriding address(es)" at every start when both are
    /// set, so a default <c>Urls</c> would make every TLS deployment (docs/security.md) log a warning.
    /// </param>
    public static WebApplicationBuilder AddGameServerManagementPort(
        this WebApplicationBuilder builder, bool servesGame = true, string defaultGameUrl = "http://localhost:5000")
    {
        ArgumentNullException.ThrowIfNull(builder);
        var management = ManagementSettings.Resolve(builder.Configuration, builder.Environment.IsDevelopment(), servesGame, defaultGameUrl);
        builder.Services.AddSingleton(management);
        // Through Kestrel's own settings, not ListenOptions in code, for the same reason: the management URLs join
        // whichever side the game's addresses are on.
        if (!servesGame)
        {
            builder.WebHost.UseUrls([.. management.Urls]);
        }
        else if (builder.Configuration.GetSection(ManagementSettings.KestrelEndpointsSection).GetChildren().Any())
        {
            builder.Configuration.AddInMemoryCollection(management.Urls.Select((url, i) =>
                KeyValuePair.Create<string, string?>($"{ManagementSettings.KestrelEndpointsSection}:GameServerManagement{i}:Url", url)));
        }
        else
        {
            builder.WebHost.UseUrls([.. ManagementSettings.GameUrls(builder.Configuration, defaultGameUrl).Select(game => game.Url), .. management.Urls]);
        }
        return builder;
    }

    /// <summary>
    /// Hides endpoints marked with <see cref="RequireManagementPort{TBuilder}"/> on every port but the management
    /// port (outside Development): such a request goes on as if nothing matched, and ends in a 404. Call first.
    /// </summary>
    public static IApplicationBuilder UseGameServerManagementPort(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var management = app.ApplicationServices.GetRequiredService<ManagementPort>();
        if (!management.Exclusive)
        {
            return app;
        }
        // The port the connection arrived on, not RequireHost("*:port"): that matches the Host header, which a client
        // chooses (Host: x:5090 sent to the game port would reach /metrics) and which a proxy rewrites
        // (dotnet/aspnetcore#46057). Endpoint metadata plus a middleware after routing, as authorization does, covers
        // every kind of endpoint (health checks, the exporter, the dashboard's group), which endpoint filters do not.
        return app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ManagementEndpointMetadata>() is not null
                && !management.IsManagementPort(context.Connection.LocalPort))
            {
                context.SetEndpoint(null);
                context.Request.RouteValues.Clear();
            }
            return next(context);
        });
    }

    /// <summary>Serves the endpoint(s) only on the management port outside Development (see <see cref="UseGameServerManagementPort"/>).</summary>
    public static TBuilder RequireManagementPort<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(ManagementEndpointMetadata.Instance);
    }
}
