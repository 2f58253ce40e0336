using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>
/// Closes connections that have finished no message for <see cref="EdgeOptions.IdleTimeoutSeconds"/> (4002): silent
/// ones, and ones stuck in a message they never finish. One sweep a
/// second over all sessions instead of a timer per connection, so a silent client is closed within timeout + 1 s.
/// Dead peers that stop answering keep-alive pings are aborted sooner by the WebSocket keep-alive timeout.
/// </summary>
internal sealed class IdleConnectionSweeper(SessionRegistry sessions, IOptions<EdgeOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeoutMs = options.Value.IdleTimeoutSeconds * 1000L;
        if (timeoutMs == 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                foreach (var session in sessions.All)
                {
                    if (now - session.LastMessageAt > timeoutMs)
                    {
                        session.CloseForIdle();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
