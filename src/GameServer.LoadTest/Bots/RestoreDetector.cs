using System.Diagnostics;
using GameServer.Client;
using GameServer.Protocol;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// Tells a room restored from its checkpoint from a snapshot that is merely late or repeated, for one player. The SDK
/// reports every tick that is not above the last one. A restored room comes back after a pause (its silo died and the
/// room moved) and goes on from the older tick. A snapshot that is merely late or repeated (seen on a cluster around
/// checkpoint ticks: N, N−1, N, N+1) comes on time, and the next snapshot is back at the old tick or past it. Without a
/// pause the next snapshot decides; a two-tick restore with no pause would read as late. The first snapshot after a
/// resume may repeat the last tick seen before the drop (the stream restarts at the room's current tick): a repeat,
/// not a restore. Called from the client's receive thread only.
/// </summary>
internal sealed class RestoreDetector(BotRecovery recovery, Action<RestoreDetector.Restore, long> confirmed)
{
    private Restore? _pending;
    private bool _pendingFrameSeen;

    /// <summary>A tick that went back, with what the report needs; <paramref name="PreviousFence"/> is set while it waits for the next snapshot.</summary>
    public sealed record Restore(string RoomId, long LastTickBefore, long FirstTickAfter, int TickRateHz, long DetectedAt, long PreviousFence, uint InputsLost);

    /// <summary>The SDK's <see cref="GameClient.RoomRestored"/>, raised before the snapshot whose tick went back.</summary>
    /// <param name="inputsLost">Acked inputs the checkpoint predates (<see cref="RoomRestoredEventArgs.InputsLost"/>; 0 if unknown).</param>
    public void TickWentBack(long lastTickBefore, long firstTickAfter, uint inputsLost, Welcome? room, string roomId, int tickRateHz, long now)
    {
        if (_pending is { } earlier && _pendingFrameSeen)
        {
            confirmed(earlier, now); // went back again before passing the old tick: the first one was a restore
        }
        if (firstTickAfter == lastTickBefore && recovery.DroppedSinceSnapshot)
        {
            _pending = null;
            recovery.SnapshotRepeated();
            return;
        }
        var restore = new Restore(room?.RoomId ?? roomId, lastTickBefore, firstTickAfter, room?.TickRateHz ?? tickRateHz, now, 0, inputsLost);
        _pending = null;
        if (recovery.ComesAfterAPause(now, PauseTicks(room)))
        {
            confirmed(restore, now);
            return;
        }
        // Fenced at once: a restored room's first snapshot may already ack inputs it got while it was down.
        _pending = restore with { PreviousFence = recovery.FenceProvisionally(now) };
        _pendingFrameSeen = false;
    }

    /// <summary>Every snapshot frame, after <see cref="TickWentBack"/> for the one whose tick went back.</summary>
    public void Frame(long tick, long now)
    {
        if (_pending is not { } pending)
        {
            return;
        }
        if (!_pendingFrameSeen)
        {
            _pendingFrameSeen = true; // the frame whose tick went back; the next one decides
            return;
        }
        _pending = null;
        if (tick >= pending.LastTickBefore)
        {
            recovery.SnapshotOutOfOrder(pending.DetectedAt, pending.PreviousFence);
        }
        else
        {
            confirmed(pending, now);
        }
    }

    /// <summary>
    /// How long without a snapshot counts as a pause: three snapshot intervals of the room, at least 250 ms (5 ticks at
    /// 20 Hz). Snapshots on time are 50 ms apart; a room moving to another silo takes hundreds of ms at least.
    /// </summary>
    private static long PauseTicks(Welcome? room)
    {
        var intervalSeconds = room is { TickRateHz: > 0 } r ? Math.Max(1, r.SnapshotEveryTicks) / (double)r.TickRateHz : 0.05;
        return (long)(Math.Max(0.25, 3 * intervalSeconds) * Stopwatch.Frequency);
    }
}
