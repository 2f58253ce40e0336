using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>Renews every room subscription periodically: rooms forget observers that go silent (e.g. a dead edge).</summary>
internal sealed class SubscriptionRenewer(RoomLinks links, IOptions<EdgeOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ResubscribeIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await Task.WhenAll(links.Snapshot().Select(l => l.ResubscribeAsync())).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
