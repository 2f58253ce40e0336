using GameServer.Client;

namespace GameServer.LoadTest.Server;

/// <summary>
/// One WebSocket connect before the ramp, with a player token like the bots', so an unreachable server or a refused
/// token is a setup error (exit 2), not 100 % errors.
/// </summary>
internal static class Preflight
{
    /// <param name="accessToken">A token from the run's token source, for a player id no bot uses.</param>
    /// <param name="tokenHint">What to check when the server refuses the token (HTTP 401), a sentence ending in its own punctuation.</param>
    /// <param name="transport">The --transport the bots will use: the check connects the same way.</param>
    public static async Task CheckAsync(
        Uri url, string accessToken, string tokenHint, TimeSpan timeout, CancellationToken cancellationToken, string transport = Bots.BotTransport.WebSocket)
    {
        await using var client = new GameClient(new GameClientOptions
        {
            DecodeSnapshots = false,
            AccessToken = accessToken,
            Transport = Bots.BotTransport.For(transport),
        });
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(url, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SetupException($"Cannot reach {url}: no {transport} connection within {timeout.TotalSeconds:0} s. Is the server running? Start it, or pass --spawn-server.");
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or System.Net.Http.HttpRequestException or ArgumentException or IOException)
        {
            var status = HandshakeRefusal.StatusCode(ex);
            if (status is { } code && HandshakeRefusal.Explain(code) is { } meaning)
            {
                // The server answered, so it is reachable: say what it refused instead.
                throw new SetupException($"{url} refused the reachability check's connection ({meaning}){(code == 401 ? ": " + tokenHint : ".")}", ex);
            }
            var detail = ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
            throw new SetupException($"Cannot reach {url}: {detail}. Is the server running on that address? Start it, or pass --spawn-server.", ex);
        }
    }
}
