namespace GameServer.LoadTest.Tokens;

/// <summary>Where the bots' player tokens came from: the result's <c>settings.tokenSource</c> (the key itself is never recorded).</summary>
internal static class TokenSourceKind
{
    /// <summary>--spawn-server without --token-key: signed with a fresh key the tool made and gave to the spawned host.</summary>
    public const string SpawnedKey = "spawned-key";

    /// <summary>--token-key or GAMESERVER_TOKEN_KEY: signed with the key the tester gave (the server's Auth:SigningKey).</summary>
    public const string TokenKey = "token-key";

    /// <summary>Fetched one per bot from the server's development endpoint, GET /auth/dev-token.</summary>
    public const string DevEndpoint = "dev-endpoint";
}
