using System.Collections.Concurrent;
using GameServer.Abstractions;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace GameServer.Grains;

/// <summary>The rooms active on this silo, so a shutting-down silo can hand each one over.</summary>
internal sealed class LocalRooms
{
    private readonly ConcurrentDictionary<string, byte> _rooms = new(StringComparer.Ordinal);

    public void Add(string roomId) => _rooms.TryAdd(roomId, 0);

    public void Remove(string roomId) => _rooms.TryRemove(roomId, out _);

    public ICollection<string> All => _rooms.Keys;
}

/// <summary>
/// Graceful silo shutdown, first step: before Orleans deactivates anything or tells the cluster it is leaving, every
/// local room stops at a tick boundary and saves that exact tick. Whichever silo activates the room next, and however
/// soon, continues from there: no ticks replayed. (Orleans may place the next activation before this one has finished
/// deactivating, which is why saving on deactivation alone is not enough.)
/// </summary>
internal sealed partial class RoomHandoverParticipant(LocalRooms rooms, IGrainFactory grains, ILogger<RoomHandoverParticipant> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(10);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RoomHandoverParticipant), ServiceLifecycleStage.Active, _ => Task.CompletedTask, HandOverAllAsync);

    private async Task HandOverAllAsync(CancellationToken cancellationToken)
    {
        var ids = rooms.All.ToArray();
        if (ids.Length == 0)
        {
            return;
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await Task.WhenAll(ids.Select(id => grains.GetGrain<IRoomGrain>(id).PrepareToMove())).WaitAsync(s_bound, cancellationToken).ConfigureAwait(false);
            Log.HandedOver(logger, ids.Length, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex)
        {
            // The rooms not saved here still save on deactivation; at worst they replay from their last checkpoint.
            Log.HandoverFailed(logger, ex, ids.Length);
        }
    }

    private static partial class Log
    {
        // A graceful shutdown is normal operation (a deploy, the embedded host stopping): not a warning.
        [LoggerMessage(1, LogLevel.Information, "Silo shutting down: {Rooms} rooms saved their exact tick for the next silo in {Ms:F0} ms")]
        public static partial void HandedOver(ILogger logger, int rooms, double ms);

        [LoggerMessage(2, LogLevel.Warning, "Silo shutting down: handing over {Rooms} rooms did not complete")]
        public static partial void HandoverFailed(ILogger logger, Exception ex, int rooms);
    }
}
