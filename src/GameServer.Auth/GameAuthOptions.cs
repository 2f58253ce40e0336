namespace GameServer.Auth;

/// <summary>
/// How player and admin tokens are checked (configuration section <c>Auth</c>). Tokens are JWTs signed either with a
/// shared key (<see cref="SigningKey"/>, HS256) or by an identity provider (<see cref="Authority"/>, keys fetched from its
/// OpenID metadata). One of the two is required outside development.
/// </summary>
public sealed class GameAuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Required <c>iss</c> of every token. Default <c>"gameserver"</c>.</summary>
    public string Issuer { get; set; } = "gameserver";

    /// <summary>Required <c>aud</c> of every token. Default <c>"gameserver"</c>.</summary>
    public string Audience { get; set; } = "gameserver";

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes. Empty by default; development hosts make a random one per run.</summary>
    public string? SigningKey { get; set; }

    /// <summary>OpenID Connect authority (e.g. <c>https://login.example.com/</c>) whose published keys sign tokens; instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    /// <summary>
    /// Whether the host serves <c>GET /auth/dev-token</c> (any caller gets a player token). Honoured only when the host
    /// runs in the Development environment; ignored (off) everywhere else. Default true.
    /// </summary>
    public bool DevelopmentTokens { get; set; } = true;

    /// <summary>Lifetime of tokens from the development endpoint, minutes. Default 60.</summary>
    public int DevelopmentTokenLifetimeMinutes { get; set; } = 60;

    /// <summary>Allowed clock difference when checking expiry, seconds. Default 30.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>Smallest signing key accepted, bytes (HS256 wants the hash size).</summary>
    public const int MinSigningKeyBytes = 32;
}
