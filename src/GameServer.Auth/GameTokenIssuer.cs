using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GameServer.Auth;

/// <summary>
/// Signs tokens with a shared key, for the development endpoint, tests and the load tool. Production players get
/// their tokens from the game's own login service, signed with the same key or by the configured authority.
/// </summary>
public sealed class GameTokenIssuer
{
    private static readonly JsonWebTokenHandler s_handler = new();
    private readonly SigningCredentials _credentials;
    private readonly string _issuer;
    private readonly string _audience;

    public GameTokenIssuer(string signingKeyBase64, string issuer = "gameserver", string audience = "gameserver")
    {
        _credentials = new SigningCredentials(CreateKey(signingKeyBase64), SecurityAlgorithms.HmacSha256);
        _issuer = issuer;
        _audience = audience;
    }

    /// <summary>An issuer for <paramref name="options"/>' key, issuer and audience.</summary>
    public static GameTokenIssuer For(GameAuthOptions options) =>
        new(options.SigningKey ?? throw new InvalidOperationException($"{GameAuthOptions.SectionName}:{nameof(GameAuthOptions.SigningKey)} is not set."),
            options.Issuer, options.Audience);

    /// <summary>A fresh random key, base64, suitable for <see cref="GameAuthOptions.SigningKey"/>.</summary>
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(GameAuthOptions.MinSigningKeyBytes));

    /// <summary>The key as a security key; throws <see cref="FormatException"/> naming the setting when it is not usable.</summary>
    public static SymmetricSecurityKey CreateKey(string signingKeyBase64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signingKeyBase64);
        }
        catch (FormatException)
        {
            throw new FormatException($"{GameAuthOptions.SectionName}:{nameof(GameAuthOptions.SigningKey)} is not valid base64.");
        }
        if (bytes.Length < GameAuthOptions.MinSigningKeyBytes)
        {
            throw new FormatException($"{GameAuthOptions.SectionName}:{nameof(GameAuthOptions.SigningKey)} has {bytes.Length} bytes; it needs at least {GameAuthOptions.MinSigningKeyBytes} (generate one with `openssl rand -base64 32`).");
        }
        return new SymmetricSecurityKey(bytes);
    }

    /// <summary>A token for <paramref name="playerId"/>, valid from now for <paramref name="lifetime"/>.</summary>
    /// <param name="playerId">The token's subject: the player id the game uses.</param>
    /// <param name="lifetime">How long the token is valid.</param>
    /// <param name="roles">Roles to carry, e.g. <see cref="GameClaims.AdminRole"/>; none for players.</param>
    /// <param name="notBefore">Defaults to now; tests pass past times to make expired tokens.</param>
    /// <param name="audience">Defaults to the issuer's audience; tests pass others.</param>
    public string Issue(string playerId, TimeSpan lifetime, IEnumerable<string>? roles = null, DateTime? notBefore = null, string? audience = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(playerId);
        var start = notBefore ?? DateTime.UtcNow;
        var claims = new Dictionary<string, object> { [GameClaims.PlayerId] = playerId };
        var roleList = roles?.ToArray() ?? [];
        if (roleList.Length > 0)
        {
            claims[GameClaims.Role] = roleList;
        }
        return s_handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = audience ?? _audience,
            Claims = claims,
            IssuedAt = start,
            NotBefore = start,
            Expires = start + lifetime,
            SigningCredentials = _credentials,
        });
    }
}
