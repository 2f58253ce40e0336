using System.Diagnostics;
using System.Security.Cryptography;
using GameServer.Abstractions;
using GameServer.Simulation;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace GameServer.Grains;

/// <summary>
/// Owns one room: runs its <see cref="RoomRuntime"/> on a grain timer with a fixed-step accumulator, queues inputs
/// between ticks, and pushes one serialized snapshot per tick to each subscribed edge.
/// </summary>
internal sealed partial class RoomGrain : Grain, IRoomGrain
{
    // Edges re-subscribe well within this; an edge that died stops receiving after it.
    private static readonly TimeSpan s_observerExpiry = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_minTimerDue = TimeSpan.FromMilliseconds(1);

    private readonly GameCatalog _catalog;
    private readonly RoomConfigRules _rules;
    private readonly RoomLiveStatsTracker _live = new();
    private RoomConfig? _typeConfig;
    private RoomConfigPatch _overrides = new();
    private RoomConfig? _pendingConfig;
    private readonly ILogger<RoomGrain> _logger;
    private readonly RoomMetrics _metrics;
    private readonly ObserverManager<IRoomObserver> _observers;
    private readonly Dictionary<int, string> _playerIds = new();
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private string _roomId = "";
    private string _roomType = "";
    private RoomRuntime? _runtime;
    private FixedStepAccumulator? _accumulator;
    private IGrainTimer? _tickTimer;
    private IGrainTimer? _closeTimer;
    private long _lastTickAt;
    private long _tickDueAt;
    private InputCounts _reportedInputs;
    private long _reportedSkipped;
    private long _lastSnapshotTick = -1;
    private bool _closed;

    public RoomGrain(GameCatalog catalog, RoomConfigRules rules, RoomMetrics metrics, ILogger<RoomGrain> logger)
    {
        _catalog = catalog;
        _rules = rules;
        _metrics = metrics;
        _logger = logger;
        _observers = new ObserverManager<IRoomObserver>(s_observerExpiry, logger);
    }

    private IMatchmakerGrain Matchmaker => GrainFactory.GetGrain<IMatchmakerGrain>(_roomType);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _roomId = this.GetPrimaryKeyString();
        _roomType = RoomIds.TypeOf(_roomId) ?? "";
        if (_catalog.TryGet(_roomType, out var game))
        {
            // The room type's live settings (configuration plus designers' changes), not just the game's defaults.
            _typeConfig = await GrainFactory.GetGrain<IRoomTypeGrain>(_roomType).GetEffective().ConfigureAwait(true)
                ?? _rules.Configured(_roomType)!;
            var settings = RoomConfigRules.ToSettings(_typeConfig);
            var seed = RandomNumberGenerator.GetInt32(int.MaxValue);
            var context = new GameRoomContext(_roomId, seed, settings) { Tunables = _typeConfig.Tunables };
            _runtime = new RoomRuntime(game.CreateRoom(context), settings);
            _accumulator = new FixedStepAccumulator(settings.TickInterval, settings.MaxCatchUpSteps);
            ScheduleCloseIfEmpty();
            _metrics.RoomOpened(_roomType);
            Log.Opened(_logger, _roomId, settings.TickRateHz, seed);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // When the silo shuts down the matchmaker goes with it; telling it would only log a failed call.
        Close(reason.Description, tellMatchmaker: reason.ReasonCode != DeactivationReasonCode.ShuttingDown);
        return Task.CompletedTask;
    }

    public Task<JoinResult> Join(string playerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(playerId);
        if (_runtime is null || _closed)
        {
            return Task.FromResult(Refused(JoinStatus.UnknownRoomType));
        }
        var entityId = _runtime.Join();
        if (entityId is null)
        {
            _ = Matchmaker.RoomFull(_roomId);
            return Task.FromResult(Refused(JoinStatus.RoomFull));
        }
        _playerIds[entityId.Value] = playerId;
        _metrics.PlayerJoined(_roomType);
        StartTicking();
        _ = Matchmaker.RoomUpdated(_roomId, _runtime.PlayerCount, _runtime.Settings.MaxPlayers, joined: true);
        Log.PlayerJoined(_logger, _roomId, playerId, entityId.Value, _runtime.PlayerCount);
        var settings = _runtime.Settings;
        return Task.FromResult(new JoinResult(
            JoinStatus.Joined, _roomId, _roomType, entityId.Value, settings.TickRateHz, settings.SnapshotEveryTicks,
            _runtime.Tick, settings.MaxPlayers, NewResumeToken()));
    }

    public Task Leave(int entityId)
    {
        if (_runtime is not null && _runtime.Leave(entityId))
        {
            _playerIds.Remove(entityId, out var playerId);
            _metrics.PlayerLeft(_roomType);
            Log.PlayerLeft(_logger, _roomId, playerId ?? "?", entityId, _runtime.PlayerCount);
            _ = Matchmaker.RoomUpdated(_roomId, _runtime.PlayerCount, _runtime.Settings.MaxPlayers, joined: false);
            ScheduleCloseIfEmpty();
        }
        return Task.CompletedTask;
    }

    public Task SubmitInputs(InputBatch batch)
    {
        if (_runtime is null)
        {
            return Task.CompletedTask;
        }
        foreach (var input in batch.Inputs)
        {
            // Inputs for players who already left are dropped silently: the edge may have batched them just before.
            _runtime.Enqueue(input.EntityId, input.Seq, input.Payload);
        }
        return Task.CompletedTask;
    }

    public Task Subscribe(IRoomObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IRoomObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task<RoomInfo> GetInfo()
    {
        var r = _runtime;
        var live = _live.Summarize(Stopwatch.GetTimestamp());
        var config = Effective() ?? new RoomConfig(0, 0, 0, 0, 0, 0, []);
        return Task.FromResult(r is null
            ? new RoomInfo(_roomId, _roomType, 0, 0, 0, 0, 0, 0, 0, 0, 0, _observers.Count, live, config, _overrides)
            : new RoomInfo(_roomId, _roomType, r.Tick, r.PlayerCount, r.Settings.MaxPlayers, r.Settings.TickRateHz,
                _accumulator!.SkippedSteps, r.InputsApplied, r.InputsRejected, r.InputsDropped, r.InputsStale, _observers.Count,
                live, config, _overrides));
    }

    public Task ApplyTypeConfig(RoomConfig config)
    {
        if (_runtime is null)
        {
            return Task.CompletedTask;
        }
        _typeConfig = config;
        Schedule(Effective()!);
        return Task.CompletedTask;
    }

    public Task<SettingsChange> SetOverrides(RoomConfigPatch? overrides)
    {
        if (_runtime is null || _typeConfig is null)
        {
            return Task.FromResult(SettingsChange.Refused(new() { ["roomId"] = $"Room {_roomId} is not a room of a registered game." }));
        }
        var before = Effective()!;
        var candidate = overrides ?? new RoomConfigPatch();
        var after = candidate.ApplyTo(_typeConfig);
        var errors = _rules.Validate(_roomType, after);
        if (errors.Count > 0)
        {
            return Task.FromResult(SettingsChange.Refused(errors));
        }
        _overrides = candidate;
        Schedule(after);
        return Task.FromResult(new SettingsChange(before, after, []));
    }

    private RoomConfig? Effective() => _typeConfig is null ? null : _overrides.ApplyTo(_typeConfig);

    /// <summary>A ticking room takes new settings at its next tick boundary; an idle one at once.</summary>
    private void Schedule(RoomConfig config)
    {
        if (_tickTimer is null)
        {
            ApplyConfig(config);
        }
        else
        {
            _pendingConfig = config;
        }
    }

    private void ApplyConfig(RoomConfig config)
    {
        var runtime = _runtime!;
        var before = runtime.Settings;
        var settings = RoomConfigRules.ToSettings(config);
        runtime.ApplySettings(settings, config.Tunables);
        _accumulator!.Reconfigure(settings.TickInterval, settings.MaxCatchUpSteps);
        if (before.TickRateHz != settings.TickRateHz || before.SnapshotEveryTicks != settings.SnapshotEveryTicks || before.MaxPlayers != settings.MaxPlayers)
        {
            // Edges re-aim their input flushes and tell players in-band, so client interpolation follows.
            var notice = new RoomSettingsNotice(runtime.Tick, settings.TickRateHz, settings.SnapshotEveryTicks, settings.MaxPlayers);
            _observers.Notify(o => o.OnSettingsChanged(notice));
        }
        if (before.MaxPlayers != settings.MaxPlayers)
        {
            _ = Matchmaker.RoomUpdated(_roomId, runtime.PlayerCount, settings.MaxPlayers, joined: false);
        }
        Log.SettingsApplied(_logger, _roomId, runtime.Tick, settings.TickRateHz, settings.SnapshotEveryTicks);
    }

    private Task OnTick()
    {
        var runtime = _runtime!;
        var now = Stopwatch.GetTimestamp();
        if (_pendingConfig is not null)
        {
            ApplyConfig(_pendingConfig);
            _pendingConfig = null;
        }
        var steps = _accumulator!.Advance(Stopwatch.GetElapsedTime(_lastTickAt, now));
        _lastTickAt = now;
        for (var i = 0; i < steps; i++)
        {
            runtime.Step();
        }
        // Re-arm for the next step boundary: a fixed-period timer drifts late by its scheduling delay every time, which
        // would make every ~20th callback run two steps and skip a snapshot. Aiming at the boundary keeps one step per callback.
        var untilNextStep = _accumulator.Step - _accumulator.Pending;
        var due = untilNextStep > s_minTimerDue ? untilNextStep : s_minTimerDue;
        _tickTimer?.Change(due, Timeout.InfiniteTimeSpan);
        var every = runtime.Settings.SnapshotEveryTicks;
        var snapshotBytes = 0;
        if (steps > 0 && runtime.Tick / every > _lastSnapshotTick / every)
        {
            _lastSnapshotTick = runtime.Tick;
            var serverTimeMs = (uint)Stopwatch.GetElapsedTime(_startedAt, now).TotalMilliseconds;
            var frame = new SnapshotFrame(runtime.Tick, runtime.WriteSnapshot(serverTimeMs));
            snapshotBytes = frame.Bytes.Length;
            _metrics.SnapshotWritten(_roomType, frame.Bytes.Length);
            _observers.Notify(o => o.OnSnapshot(frame));
        }
        if (steps > 0)
        {
            _live.Record(now, Stopwatch.GetTimestamp() - now, snapshotBytes);
        }
        RecordTick(steps, now);
        _tickDueAt = now + (long)(due.TotalSeconds * Stopwatch.Frequency);
        return Task.CompletedTask;
    }

    private void RecordTick(int steps, long startedAt)
    {
        var runtime = _runtime!;
        var skipped = _accumulator!.SkippedSteps;
        var lateness = _tickDueAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_tickDueAt, startedAt);
        _metrics.Ticked(_roomType, steps, skipped - _reportedSkipped, Stopwatch.GetElapsedTime(startedAt), lateness);
        _reportedSkipped = skipped;
        var inputs = new InputCounts(runtime.InputsApplied, runtime.InputsRejected, runtime.InputsDropped, runtime.InputsStale);
        if (inputs != _reportedInputs)
        {
            _metrics.InputsProcessed(_roomType, inputs.Applied - _reportedInputs.Applied, inputs.Rejected - _reportedInputs.Rejected,
                inputs.Dropped - _reportedInputs.Dropped, inputs.Stale - _reportedInputs.Stale);
            _reportedInputs = inputs;
        }
    }

    private void StartTicking()
    {
        _closeTimer?.Dispose();
        _closeTimer = null;
        if (_tickTimer is not null)
        {
            return;
        }
        _lastTickAt = Stopwatch.GetTimestamp();
        _tickDueAt = _lastTickAt + (long)(_runtime!.Settings.TickInterval.TotalSeconds * Stopwatch.Frequency);
        _tickTimer = this.RegisterGrainTimer(static self => self.OnTick(), this, new GrainTimerCreationOptions
        {
            DueTime = _runtime!.Settings.TickInterval,
            Period = Timeout.InfiniteTimeSpan, // re-armed by every tick, aimed at the next step boundary
            Interleave = false, // a tick is a turn like any call: inputs delivered before it are applied by it
            KeepAlive = true,
        });
    }

    private void ScheduleCloseIfEmpty()
    {
        if (_runtime is null || _runtime.PlayerCount > 0 || _closeTimer is not null)
        {
            return;
        }
        _tickTimer?.Dispose();
        _tickTimer = null;
        _closeTimer = this.RegisterGrainTimer(static self => self.CloseIfStillEmpty(), this, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.FromSeconds(_runtime.Settings.EmptyRoomGraceSeconds),
            Period = Timeout.InfiniteTimeSpan,
            Interleave = false,
            KeepAlive = true,
        });
    }

    private Task CloseIfStillEmpty()
    {
        if (_runtime is { PlayerCount: 0 })
        {
            Close("empty past its grace period", tellMatchmaker: true);
            DeactivateOnIdle();
        }
        return Task.CompletedTask;
    }

    private void Close(string reason, bool tellMatchmaker)
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        _tickTimer?.Dispose();
        _closeTimer?.Dispose();
        if (_runtime is not null)
        {
            _observers.Notify(o => o.OnRoomClosed(_roomId));
            if (tellMatchmaker)
            {
                _ = Matchmaker.RoomClosed(_roomId);
            }
            _metrics.RoomClosed(_roomType, _runtime.PlayerCount);
            _runtime.Dispose();
            Log.Closed(_logger, _roomId, reason, _runtime.Tick);
        }
    }

    private JoinResult Refused(JoinStatus status) => new(status, _roomId, _roomType, 0, 0, 0, 0, 0, "");

    private static string NewResumeToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The runtime's cumulative input counters, as last reported to the metrics.</summary>
    private readonly record struct InputCounts(long Applied, long Rejected, long Dropped, long Stale);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Room {RoomId} opened at {TickRateHz} Hz (seed {Seed})")]
        public static partial void Opened(ILogger logger, string roomId, int tickRateHz, int seed);

        [LoggerMessage(2, LogLevel.Information, "Room {RoomId}: player {PlayerId} joined as entity {EntityId} ({Players} players)")]
        public static partial void PlayerJoined(ILogger logger, string roomId, string playerId, int entityId, int players);

        [LoggerMessage(3, LogLevel.Information, "Room {RoomId}: player {PlayerId} (entity {EntityId}) left ({Players} players)")]
        public static partial void PlayerLeft(ILogger logger, string roomId, string playerId, int entityId, int players);

        [LoggerMessage(4, LogLevel.Information, "Room {RoomId} closed ({Reason}) at tick {Tick}")]
        public static partial void Closed(ILogger logger, string roomId, string reason, long tick);

        [LoggerMessage(5, LogLevel.Information, "Room {RoomId}: new settings from tick {Tick}: {TickRateHz} Hz, snapshot every {SnapshotEveryTicks} tick(s)")]
        public static partial void SettingsApplied(ILogger logger, string roomId, long tick, int tickRateHz, int snapshotEveryTicks);
    }
}
