using GameServer.Auth;

namespace GameServer.LoadTest.Tokens;

/// <summary>Signs the tokens in the tool with the server's shared key (HS256), as the game's login service would.</summary>
internal sealed class SignedTokenSource : PlayerTokenSource
{
    private readonly GameTokenIssuer _issuer;
    private readonly string _issuerName;
    private readonly string _audience;

    /// <param name="kind"><see cref="TokenSourceKind.SpawnedKey"/> or <see cref="TokenSourceKind.TokenKey"/>.</param>
    /// <param name="keyName">How the key was given, for messages (e.g. --token-key).</param>
    public SignedTokenSource(string signingKeyBase64, string issuer, string audience, string kind, string keyName)
    {
        _issuer = new GameTokenIssuer(signingKeyBase64, issuer, audience);
        _issuerName = issuer;
        _audience = audience;
        Kind = kind;
        KeyName = keyName;
    }

    public override string Kind { get; }

    public string KeyName { get; }

    public override string Description => Kind == TokenSourceKind.SpawnedKey
        ? "signed by the tool with a fresh key given to the spawned server"
        : $"signed by the tool with {KeyName} (issuer {_issuerName}, audience {_audience})";

    public override string RefusalHint => Kind == TokenSourceKind.SpawnedKey
        ? "the spawned server did not accept the key the tool gave it; see its log."
        : $"is {KeyName} the server's Auth:SigningKey, and are --token-issuer ({_issuerName}) and --token-audience ({_audience}) its Auth:Issuer and Auth:Audience?";

    public override Task<string> IssueAsync(string playerId, TimeSpan lifetime, CancellationToken cancellationToken) =>
        Task.FromResult(_issuer.Issue(playerId, lifetime));

    /// <summary>Signs in a plain loop (about 10 µs a token): no thread pool contention with anything else starting up.</summary>
    public override Task<string[]> IssueAllAsync(IReadOnlyList<string> playerIds, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var tokens = new string[playerIds.Count];
        for (var i = 0; i < tokens.Length; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            tokens[i] = _issuer.Issue(playerIds[i], lifetime);
        }
        return Task.FromResult(tokens);
    }
}
