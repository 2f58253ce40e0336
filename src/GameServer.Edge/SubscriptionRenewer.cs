using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>
/// Keeps every room subscription alive: renews each periodically (rooms forget silent observers, and a renewal tells
/// the room which seats this edge still serves), and several times a second checks for rooms whose snapshots stopped,
/// so the edge follows a room to its new activation within moments of its silo failing.
/// </summary>
internal sealed class SubscriptionRenewer(RoomLinks links, IOptions<EdgeOptions> options) : BackgroundService
{
    private static readonly TimeSpan s_stallCheckInterval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renewEvery = TimeSpan.FromSeconds(options.Value.ResubscribeIntervalSeconds);
        var lastRenewal = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(s_stallCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                var all = links.Snapshot();
                foreach (var link in all)
                {
                    link.CheckStalled(now);
                }
                if (Stopwatch.GetElapsedTime(lastRenewal, now) >= renewEvery)
                {
                    lastRenewal = now;
                    await Task.WhenAll(all.Select(l => l.ResubscribeAsync())).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
