using System.Diagnostics;
using GameServer.Abstractions;
using Microsoft.Extensions.Logging;

namespace GameServer.Edge;

/// <summary>
/// This edge's single connection to one room: one observer subscription delivering one snapshot per tick for all local
/// players of the room, and one input buffer flushed as one grain call per tick, timed to land just before the room's
/// next tick (the phase is read off snapshot arrivals). When the room's snapshots stop (its silo died) or the room says
/// it is moving (its silo is shutting down), the link re-subscribes, which re-activates the room from its checkpoint on
/// a live silo; players stay connected throughout.
/// </summary>
internal sealed partial class RoomLink : IRoomObserver, IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly EdgeOptions _options;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<PlayerInput> _pending = new();
    private readonly Timer _flushTimer;
    private PlayerSession[] _sessions = [];
    private IRoomObserver? _reference;
    private Task? _subscribed;
    private bool _flushScheduled;
    private volatile bool _disposed;
    private readonly TickPhaseEstimator _phase;
    private int _snapshotEveryTicks;
    private long _lastSnapshotAt = Stopwatch.GetTimestamp();
    private Task? _follow;
    private long _followStartedAt;

    // A re-subscription that has not answered within this is presumed lost (e.g. sent towards a dead silo): try again.
    private static readonly TimeSpan s_followTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_minStall = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_lateSnapshotWindow = TimeSpan.FromMilliseconds(250);

    // How long a disposed link keeps its observer reference after unsubscribing: one-way snapshots the room sent before
    // it processed the unsubscribe can still be on their way, and each one reaching a deleted reference makes Orleans
    // log an error ("Unexpected target grain"). They land here instead, and a disposed link ignores them.
    private static readonly TimeSpan s_referenceLinger = TimeSpan.FromSeconds(2);

    public RoomLink(string roomId, TimeSpan tickInterval, int snapshotEveryTicks, IGrainFactory grains, EdgeOptions options, EdgeMetrics metrics, ILogger logger)
    {
        _snapshotEveryTicks = Math.Max(1, snapshotEveryTicks);
        RoomId = roomId;
        Room = grains.GetGrain<IRoomGrain>(roomId);
        _grains = grains;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _phase = new TickPhaseEstimator(ToStopwatchTicks(tickInterval));
        _flushTimer = new Timer(static state => ((RoomLink)state!).Flush(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public string RoomId { get; }

    public IRoomGrain Room { get; }

    public int SessionCount => Volatile.Read(ref _sessions).Length;

    /// <summary>Inputs dropped because this room's buffer was full.</summary>
    public long InputsDropped { get; private set; }

    /// <summary>Grain calls made to forward inputs.</summary>
    public long BatchesSent { get; private set; }

    public long SnapshotsReceived { get; private set; }

    public void UpdateTickInterval(TimeSpan tickInterval, int snapshotEveryTicks)
    {
        lock (_gate)
        {
            _phase.Reset(ToStopwatchTicks(tickInterval));
            _snapshotEveryTicks = Math.Max(1, snapshotEveryTicks);
        }
    }

    /// <summary>Subscribes once; later callers share the same task (a failed attempt is retried by the next caller).</summary>
    public Task EnsureSubscribedAsync()
    {
        lock (_gate)
        {
            if (_subscribed is null || _subscribed.IsFaulted || _subscribed.IsCanceled)
            {
                _reference = _grains.CreateObjectReference<IRoomObserver>(this);
                _subscribed = Room.Renew(_reference, HeldEntities());
            }
            return _subscribed;
        }
    }

    /// <summary>Renews the subscription before the room expires it.</summary>
    public async Task ResubscribeAsync()
    {
        var reference = _reference;
        if (reference is null)
        {
            return;
        }
        try
        {
            await Room.Renew(reference, HeldEntities()).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ResubscribeFailed(_logger, ex, RoomId);
        }
    }

    /// <summary>
    /// Re-subscribes when no snapshot has come for several snapshot intervals: the room's activation is gone, and the
    /// call re-activates it (from its checkpoint) on a live silo. Called a few times a second.
    /// </summary>
    public void CheckStalled(long now)
    {
        long stallAfter;
        lock (_gate)
        {
            stallAfter = Math.Max(ToStopwatchTicks(s_minStall), 5 * _phase.Interval * _snapshotEveryTicks);
        }
        if (SessionCount > 0 && now - Volatile.Read(ref _lastSnapshotAt) > stallAfter)
        {
            Follow("stalled", now);
        }
    }

    /// <summary>The seats this edge's players hold in the room, which the room keeps as long as edges vouch for them.</summary>
    private int[] HeldEntities()
    {
        var sessions = Volatile.Read(ref _sessions);
        var held = new List<int>(sessions.Length);
        foreach (var session in sessions)
        {
            if (session.SeatIn(this) is { } seat)
            {
                held.Add(seat.EntityId);
            }
        }
        return held.ToArray();
    }

    private void Follow(string cause, long now)
    {
        var reference = _reference;
        if (reference is null || _disposed)
        {
            return;
        }
        lock (_gate)
        {
            if (_follow is { IsCompleted: false } && Stopwatch.GetElapsedTime(_followStartedAt, now) < s_followTimeout)
            {
                return;
            }
            _followStartedAt = now;
        }
        _metrics.RoomFollowed(cause);
        var follow = FollowAsync(reference, cause);
        lock (_gate)
        {
            _follow = follow;
        }
    }

    private async Task FollowAsync(IRoomObserver reference, string cause)
    {
        try
        {
            await Room.Renew(reference, HeldEntities()).WaitAsync(s_followTimeout).ConfigureAwait(false);
            Log.Followed(_logger, RoomId, cause);
        }
        catch (Exception ex)
        {
            Log.FollowFailed(_logger, RoomId, cause, ex.GetType().Name);
        }
    }

    public void Add(PlayerSession session)
    {
        lock (_gate)
        {
            _sessions = [.. _sessions, session];
        }
    }

    /// <summary>Removes a session; returns the number left.</summary>
    public int Remove(PlayerSession session)
    {
        lock (_gate)
        {
            _sessions = _sessions.Where(s => s != session).ToArray();
            return _sessions.Length;
        }
    }

    public void BufferInput(PlayerInput input)
    {
        long dueMs;
        lock (_gate)
        {
            if (_pending.Count >= _options.MaxBufferedInputsPerRoom)
            {
                _pending.RemoveAt(0);
                InputsDropped++;
                _metrics.InputDropped("buffer_full");
            }
            _pending.Add(input);
            if (_flushScheduled)
            {
                return;
            }
            _flushScheduled = true;
            dueMs = MillisecondsUntilFlush();
        }
        if (dueMs <= 0)
        {
            Flush();
        }
        else
        {
            _flushTimer.Change(dueMs, Timeout.Infinite);
        }
    }

    public Task OnSnapshot(SnapshotFrame frame)
    {
        if (_disposed)
        {
            return Task.CompletedTask;
        }
        var arrivedAt = Stopwatch.GetTimestamp();
        var late = false;
        lock (_gate)
        {
            if (frame.Tick <= _phase.LastTick)
            {
                // One-way messages may overtake each other: a snapshot older than one just forwarded is stale, and
                // players must not see time go back. A lower tick after a pause is different: the room was restored
                // from a checkpoint (its silo died), and from then on its ticks and phase are the new truth.
                if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSnapshotAt), arrivedAt) < s_lateSnapshotWindow)
                {
                    _metrics.SnapshotLate();
                    late = true;
                }
                else
                {
                    _phase.Reset(_phase.Interval);
                }
            }
            if (!late)
            {
                _phase.Observe(frame.Tick, arrivedAt);
            }
        }
        if (late)
        {
            // Its state is older than what players have, but its events are news: they follow the newer snapshot.
            if (frame.Events is not null || frame.PlayerEvents is not null || frame.OtherViews is not null)
            {
                foreach (var session in Volatile.Read(ref _sessions))
                {
                    session.EnqueueLateEvents(frame);
                }
            }
            return Task.CompletedTask;
        }
        Volatile.Write(ref _lastSnapshotAt, arrivedAt);
        SnapshotsReceived++;
        _metrics.SnapshotReceived();
        foreach (var session in Volatile.Read(ref _sessions))
        {
            session.EnqueueSnapshot(frame);
        }
        return Task.CompletedTask;
    }

    public Task OnSettingsChanged(RoomSettingsNotice notice)
    {
        UpdateTickInterval(TimeSpan.FromSeconds(1.0 / notice.TickRateHz), notice.SnapshotEveryTicks);
        // Encoded once for every local player of the room.
        var frame = Protocol.MessageCodec.Encode(new Protocol.SettingsChanged(notice.Tick, notice.TickRateHz, notice.SnapshotEveryTicks, notice.MaxPlayers));
        foreach (var session in Volatile.Read(ref _sessions))
        {
            session.Sender.EnqueueControl(frame);
        }
        return Task.CompletedTask;
    }

    public Task OnSeatResumed(int entityId, int generation)
    {
        foreach (var session in Volatile.Read(ref _sessions))
        {
            if (session.SeatIn(this) is { } seat && seat.EntityId == entityId && seat.Generation < generation)
            {
                session.CloseForTakeover(this);
            }
        }
        return Task.CompletedTask;
    }

    public Task OnRoomMoving(string roomId)
    {
        Follow("moving", Stopwatch.GetTimestamp());
        return Task.CompletedTask;
    }

    public Task OnRoomClosed(string roomId, string? reason = null)
    {
        foreach (var session in Volatile.Read(ref _sessions))
        {
            session.OnRoomClosed(this, reason);
        }
        return Task.CompletedTask;
    }

    public Task OnKicked(int entityId, int generation, string reason)
    {
        foreach (var session in Volatile.Read(ref _sessions))
        {
            if (session.SeatIn(this) is { } seat && seat.EntityId == entityId && seat.Generation <= generation)
            {
                session.CloseForKick(this, reason);
            }
        }
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _disposed = true;
        _flushTimer.Dispose();
        Flush();
        var reference = _reference;
        if (reference is not null)
        {
            _ = UnsubscribeAsync(reference);
        }
    }

    private async Task UnsubscribeAsync(IRoomObserver reference)
    {
        try
        {
            await Room.Unsubscribe(reference).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.UnsubscribeFailed(_logger, ex, RoomId);
        }
        await Task.Delay(s_referenceLinger).ConfigureAwait(false);
        try
        {
            _grains.DeleteObjectReference<IRoomObserver>(reference);
        }
        catch (ObjectDisposedException)
        {
            // The process stopped meanwhile, and every reference with it.
        }
    }

    /// <summary>Time until just before the room's next tick (called under the gate); 0 or less means now.</summary>
    private long MillisecondsUntilFlush()
    {
        if (!_phase.HasEstimate)
        {
            return 0;
        }
        var now = Stopwatch.GetTimestamp();
        var lead = _options.InputFlushLeadMs * Stopwatch.Frequency / 1000;
        var flushAt = _phase.StartOf(_phase.LastTick + 1) - lead;
        if (now >= flushAt)
        {
            // The next tick's snapshot has not arrived, so that tick may not have run yet (timers run late by a few ms):
            // send now rather than hold the input for a whole extra tick.
            if (now - flushAt < (_phase.Interval / 2) + lead)
            {
                return 0;
            }
            // Overdue by half a tick: the room skipped a snapshot (snapshot rate below tick rate) or stalled; aim at the next boundary.
            return (_phase.UntilNextTick(now) * 1000 / Stopwatch.Frequency) - _options.InputFlushLeadMs;
        }
        return (flushAt - now) * 1000 / Stopwatch.Frequency;
    }

    private static long ToStopwatchTicks(TimeSpan interval) => (long)(interval.TotalSeconds * Stopwatch.Frequency);

    private void Flush()
    {
        PlayerInput[] batch;
        lock (_gate)
        {
            _flushScheduled = false;
            if (_pending.Count == 0)
            {
                return;
            }
            batch = _pending.ToArray();
            _pending.Clear();
        }
        BatchesSent++;
        _metrics.InputBatchSent();
        _ = SubmitAsync(batch);
    }

    private async Task SubmitAsync(PlayerInput[] batch)
    {
        try
        {
            await Room.SubmitInputs(new InputBatch(batch)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.SubmitFailed(_logger, ex, RoomId, batch.Length);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "Forwarding {Count} inputs to room {RoomId} failed")]
        public static partial void SubmitFailed(ILogger logger, Exception ex, string roomId, int count);

        [LoggerMessage(21, LogLevel.Warning, "Renewing the subscription to room {RoomId} failed")]
        public static partial void ResubscribeFailed(ILogger logger, Exception ex, string roomId);

        [LoggerMessage(23, LogLevel.Information, "Followed room {RoomId} to its new activation ({Cause})")]
        public static partial void Followed(ILogger logger, string roomId, string cause);

        [LoggerMessage(24, LogLevel.Debug, "Following room {RoomId} ({Cause}) did not succeed yet: {Error}")]
        public static partial void FollowFailed(ILogger logger, string roomId, string cause, string error);

        [LoggerMessage(22, LogLevel.Debug, "Unsubscribing from room {RoomId} failed")]
        public static partial void UnsubscribeFailed(ILogger logger, Exception ex, string roomId);
    }
}
