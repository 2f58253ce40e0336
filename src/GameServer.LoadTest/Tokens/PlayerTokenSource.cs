using System.Globalization;

namespace GameServer.LoadTest.Tokens;

/// <summary>
/// Makes the signed player tokens the server requires at the WebSocket handshake, one per bot (and one for the
/// reachability check). All of them are made before the ramp, so the measured connect time is the handshake alone.
/// </summary>
internal abstract class PlayerTokenSource : IDisposable
{
    /// <summary>One of <see cref="TokenSourceKind"/>.</summary>
    public abstract string Kind { get; }

    /// <summary>Where the tokens come from, for the start-up line; never the key.</summary>
    public abstract string Description { get; }

    /// <summary>What to check when the server refuses a token from this source (HTTP 401): a sentence with its own end punctuation.</summary>
    public abstract string RefusalHint { get; }

    /// <summary>The player id of bot <paramref name="index"/>: unique per bot and per seed, and a valid token subject.</summary>
    public static string BotId(int seed, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"bot-{seed}-{index}");

    /// <summary>The player id of the reachability check's connection, distinct from every bot's.</summary>
    public static string PreflightId(int seed) => string.Create(CultureInfo.InvariantCulture, $"bot-{seed}-preflight");

    /// <summary>A token for one player; a failure that stops the run is a <see cref="Server.SetupException"/>.</summary>
    public abstract Task<string> IssueAsync(string playerId, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Tokens for every player, in the same order.</summary>
    public virtual async Task<string[]> IssueAllAsync(IReadOnlyList<string> playerIds, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var tokens = new string[playerIds.Count];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = await IssueAsync(playerIds[i], lifetime, cancellationToken).ConfigureAwait(false);
        }
        return tokens;
    }

    public virtual void Dispose()
    {
    }
}
