using GameServer.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>
/// <c>GET /auth/dev-token?player=NAME[&amp;role=admin]</c>: hands anyone a player (or admin) token, so the demo page and
/// local tools work without a login service; the embedded host and the cluster edge host both map it. Mapped only in the
/// Development environment (and when <see cref="GameAuthOptions.DevelopmentTokens"/> is on); production hosts never serve it.
/// </summary>
public static class DevelopmentTokenEndpoint
{
    public const string Path = "/auth/dev-token";

    /// <summary>Maps the endpoint when allowed; returns whether it did.</summary>
    public static bool MapDevelopmentTokens(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            return false;
        }
        var options = app.Services.GetRequiredService<IOptions<GameAuthOptions>>().Value;
        if (!options.DevelopmentTokens || string.IsNullOrEmpty(options.SigningKey))
        {
            return false;
        }
        var issuer = GameTokenIssuer.For(options);
        var lifetime = TimeSpan.FromMinutes(options.DevelopmentTokenLifetimeMinutes);
        app.MapGet(Path, (string? player, string? role) =>
        {
            if (role is not null && role != GameClaims.AdminRole)
            {
                return Results.BadRequest(new { error = $"role may only be '{GameClaims.AdminRole}' (for the designer's page), or left out for a player token." });
            }
            var playerId = string.IsNullOrEmpty(player) ? "dev-" + Guid.NewGuid().ToString("N")[..8] : player;
            if (!GameClaims.IsValidPlayerId(playerId))
            {
                return Results.BadRequest(new { error = $"player must be 1-{GameClaims.MaxPlayerIdLength} letters, digits, '-', '_', '.', ':' or '@'." });
            }
            var token = issuer.Issue(playerId, lifetime, role is null ? null : [role]);
            return Results.Ok(new { token, playerId, expiresInSeconds = (int)lifetime.TotalSeconds });
        });
        return true;
    }
}
