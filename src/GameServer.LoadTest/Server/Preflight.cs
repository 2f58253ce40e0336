using GameServer.Client;

namespace GameServer.LoadTest.Server;

/// <summary>One WebSocket connect before the ramp, so an unreachable server is a setup error (exit 2), not 100 % errors.</summary>
internal static class Preflight
{
    public static async Task CheckAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var client = new GameClient(new GameClientOptions { DecodeSnapshots = false });
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(url, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SetupException($"Cannot reach {url}: no WebSocket connection within {timeout.TotalSeconds:0} s. Is the server running? Start it, or pass --spawn-server.");
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or System.Net.Http.HttpRequestException or ArgumentException)
        {
            var detail = ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
            throw new SetupException($"Cannot reach {url}: {detail}. Is the server running on that address? Start it, or pass --spawn-server.", ex);
        }
    }
}
