namespace GameServer.LoadTest.Bots;

/// <summary>The bots' player tokens, bot i's at index i, and their source (a "spawned-key", "token-key" or "dev-endpoint") for the result.</summary>
internal sealed record BotTokens(string Source, IReadOnlyList<string> Tokens);
