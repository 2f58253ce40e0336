using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace GameServer.Grains;

/// <summary>
/// A room's checkpoints in grain storage: when the next is due (counted in ticks), writing it without holding up the
/// tick, the checkpoint a new activation restores from, and clearing it when the game ends for good. One write is in
/// flight at a time; a failed one is logged and the next tries again, because the game goes on without storage.
/// </summary>
internal sealed partial class RoomCheckpoints(
    IPersistentState<RoomCheckpoint> storage, RoomMetrics metrics, ILogger logger, string roomId, string roomType)
{
    private Task? _write;
    private long _takenAtTick;
    // Ticks the recent writes took; saves start that much early so that they land within the interval.
    private long _writeTicks = 1;

    public long Written { get; private set; }

    /// <summary>The tick of the last checkpoint that reached storage; -1 if none has.</summary>
    public long LastWrittenTick { get; private set; } = -1;

    /// <summary>The tick this activation continued from; -1 if it started a new game.</summary>
    public long RestoredFromTick { get; private set; } = -1;

    /// <summary>
    /// The game a previous activation left to continue: null if there is none (a room that ended cleared its checkpoint,
    /// and one with no seats left has nobody to continue for).
    /// </summary>
    public RoomCheckpoint? Saved => storage.RecordExists && storage.State.Seats.Length > 0 ? storage.State : null;

    /// <summary>This activation continues from <paramref name="saved"/>; returns how old it was.</summary>
    public TimeSpan Restored(RoomCheckpoint saved, DateTimeOffset now)
    {
        RestoredFromTick = saved.Tick;
        LastWrittenTick = saved.Tick;
        _takenAtTick = saved.Tick;
        var age = now - saved.SavedAt;
        metrics.Restored(roomType, age);
        return age;
    }

    /// <summary>
    /// Whether to take a checkpoint at <paramref name="tick"/>. Counted in ticks, not wall time, and started early enough
    /// to land in time: a silo failure then replays at most <c>CheckpointIntervalSeconds</c> of game time. While a write
    /// is in flight the next is skipped rather than queued (storage may be slow or down).
    /// </summary>
    public bool IsDue(long tick, double intervalSeconds, int tickRateHz) =>
        _write is not { IsCompleted: false }
        && tick - _takenAtTick >= CheckpointCadence.TicksBetweenSaves(intervalSeconds, tickRateHz, _writeTicks);

    /// <summary>Starts writing <paramref name="checkpoint"/> in the background; the tick does not wait for it.</summary>
    public void Start(RoomCheckpoint checkpoint, int tickRateHz)
    {
        _takenAtTick = checkpoint.Tick;
        _write = WriteNowAsync(checkpoint, tickRateHz);
    }

    /// <summary>Writes <paramref name="checkpoint"/> and waits for it (a handover's final save); call <see cref="WhenWrittenAsync"/> first.</summary>
    public Task WriteNowAsync(RoomCheckpoint checkpoint, int tickRateHz)
    {
        storage.State = checkpoint;
        return WriteAsync(checkpoint.Tick, tickRateHz);
    }

    /// <summary>Waits for the write in flight, if any, so that a later write or clear does not race it.</summary>
    public async Task WhenWrittenAsync()
    {
        if (_write is { IsCompleted: false } pending)
        {
            await pending.ConfigureAwait(true);
        }
    }

    /// <summary>The room ended for good: a later activation must start a new game, not resurrect this one.</summary>
    public async Task ForgetAsync()
    {
        if (!storage.RecordExists)
        {
            return;
        }
        await WhenWrittenAsync().ConfigureAwait(true);
        try
        {
            await storage.ClearStateAsync().ConfigureAwait(true);
        }
        catch (Exception ex)
        {
            Log.CheckpointFailed(logger, ex, roomId, -1);
        }
    }

    private async Task WriteAsync(long tick, int tickRateHz)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await storage.WriteStateAsync().ConfigureAwait(true);
            Written++;
            LastWrittenTick = tick;
            var took = Stopwatch.GetElapsedTime(started);
            _writeTicks = CheckpointCadence.NextWriteTicks(_writeTicks, took, tickRateHz);
            metrics.CheckpointWritten(roomType, took, ok: true);
        }
        catch (Exception ex)
        {
            // Storage down or slow: the game goes on; the next checkpoint tries again.
            var took = Stopwatch.GetElapsedTime(started);
            _writeTicks = CheckpointCadence.NextWriteTicks(_writeTicks, took, tickRateHz);
            metrics.CheckpointWritten(roomType, took, ok: false);
            Log.CheckpointFailed(logger, ex, roomId, tick);
            if (ex is Orleans.Storage.InconsistentStateException)
            {
                // Someone else's write (e.g. one that timed out here but landed) moved the ETag on: re-read it.
                await RefreshETagAsync().ConfigureAwait(true);
            }
        }
    }

    private async Task RefreshETagAsync()
    {
        try
        {
            await storage.ReadStateAsync().ConfigureAwait(true);
        }
        catch (Exception ex)
        {
            Log.CheckpointFailed(logger, ex, roomId, -1);
        }
    }

    private static partial class Log
    {
        // Logged through the room grain's logger, with the event id it always had.
        [LoggerMessage(10, LogLevel.Warning, "Room {RoomId}: saving the checkpoint of tick {Tick} failed")]
        public static partial void CheckpointFailed(ILogger logger, Exception ex, string roomId, long tick);
    }
}
