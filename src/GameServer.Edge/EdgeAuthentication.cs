using GameServer.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace GameServer.Edge;

/// <summary>
/// Checks the signed player token of a game-socket handshake with ASP.NET Core's JwtBearer handler. Browsers cannot
/// set headers on a WebSocket, so the token may also come as the <c>access_token</c> query parameter.
/// </summary>
public static class EdgeAuthentication
{
    /// <summary>Authentication scheme of game and admin tokens.</summary>
    public const string Scheme = "GameToken";

    /// <summary>Query parameter carrying the token when the Authorization header cannot be set.</summary>
    public const string AccessTokenParameter = "access_token";

    /// <summary>
    /// Marks a request whose player token is not to be read again (set before the authentication middleware runs): the
    /// later requests of a fallback-transport connection, which carry their connection's own secret instead.
    /// </summary>
    internal static readonly object CheckedPerConnection = new();

    private const string DataProtectionHostedService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>
    /// Registers <see cref="GameAuthOptions"/> (section <c>Auth</c>) and the JwtBearer scheme. Outside Development a
    /// signing key or an authority is required at start-up; in Development a missing key is replaced by a random one
    /// per process, which the development token endpoint signs with.
    /// </summary>
    public static IServiceCollection AddGameServerAuthentication(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddOptions<GameAuthOptions>()
            .Bind(configuration.GetSection(GameAuthOptions.SectionName))
            .PostConfigure<IHostEnvironment>((options, environment) =>
            {
                if (environment.IsDevelopment() && string.IsNullOrEmpty(options.SigningKey) && string.IsNullOrEmpty(options.Authority))
                {
                    options.SigningKey = GameTokenIssuer.NewSigningKey();
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GameAuthOptions>, GameAuthOptionsValidator>();
        services.AddAuthentication().AddJwtBearer(Scheme, _ => { });
        // AddAuthentication brings ASP.NET Core Data Protection, whose hosted service creates a key ring at start-up: on a
        // fresh machine or container that writes a key to ~/.aspnet/DataProtection-Keys and warns that it is stored
        // unencrypted. Nothing here protects data (tokens are signed JWTs, checked with the configured key), so the
        // key ring is left to be made on first use, which never comes.
        // (The cluster tests start every host with an empty HOME, so a change of this type's name fails them.)
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType?.FullName == DataProtectionHostedService)
            {
                services.RemoveAt(i);
            }
        }
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<IOptions<GameAuthOptions>>((jwt, auth) => Configure(jwt, auth.Value));
        return services;
    }

    private static void Configure(JwtBearerOptions jwt, GameAuthOptions auth)
    {
        // Keep "sub" and "role" as they are in the token rather than mapping them to long WS-* claim URIs.
        jwt.MapInboundClaims = false;
        if (!string.IsNullOrEmpty(auth.Authority))
        {
            jwt.Authority = auth.Authority;
        }
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKey = string.IsNullOrEmpty(auth.SigningKey) ? null : GameTokenIssuer.CreateKey(auth.SigningKey),
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(auth.ClockSkewSeconds),
            NameClaimType = GameClaims.PlayerId,
            RoleClaimType = GameClaims.Role,
        };
        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (context.HttpContext.Items.ContainsKey(CheckedPerConnection))
                {
                    // A later poll or send of an open hub connection (HubSessions): its token was checked when it opened.
                    context.NoResult();
                    return Task.CompletedTask;
                }
                if (string.IsNullOrEmpty(context.Request.Headers.Authorization)
                    && context.Request.Query.TryGetValue(AccessTokenParameter, out var token))
                {
                    context.Token = token.ToString();
                }
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The handshake's player id, or why there is none (for a 401 body).</summary>
    internal static async Task<(string? PlayerId, string? Failure)> AuthenticatePlayerAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme).ConfigureAwait(false);
        if (result.None)
        {
            return (null, $"No token: send 'Authorization: Bearer <token>' or the '{AccessTokenParameter}' query parameter.");
        }
        if (!result.Succeeded)
        {
            return (null, Describe(result.Failure));
        }
        var playerId = result.Principal.FindFirst(GameClaims.PlayerId)?.Value;
        if (GameClaims.IsValidPlayerId(playerId))
        {
            // The fallback hub's connection takes its player from the request's user.
            context.User = result.Principal;
        }
        return GameClaims.IsValidPlayerId(playerId)
            ? (playerId, null)
            : (null, $"Token subject ('{GameClaims.PlayerId}') must be 1-{GameClaims.MaxPlayerIdLength} letters, digits, '-', '_', '.', ':' or '@'.");
    }

    private static string Describe(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException expired => $"Token expired at {expired.Expires:u}.",
        SecurityTokenNotYetValidException => "Token is not valid yet (nbf in the future).",
        SecurityTokenInvalidAudienceException => "Token audience is not this server's.",
        SecurityTokenInvalidIssuerException => "Token issuer is not trusted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "Token signature is invalid.",
        SecurityTokenNoExpirationException => "Token has no expiry (exp).",
        SecurityTokenMalformedException or ArgumentException => "Token is malformed.",
        _ => "Token rejected.",
    };
}
