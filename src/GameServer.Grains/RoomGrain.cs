using System.Diagnostics;
using System.Security.Cryptography;
using GameServer.Abstractions;
using GameServer.Simulation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Utilities;

namespace GameServer.Grains;

/// <summary>
/// Owns one room: runs its <see cref="RoomRuntime"/> on a grain timer with a fixed-step accumulator, queues inputs
/// between ticks, and pushes one serialized snapshot per tick to each subscribed edge. Keeps disconnected players'
/// seats for a grace window so they can resume, and checkpoints everything to grain storage so that the room carries
/// on from its last checkpoint on another silo when its silo dies or shuts down.
/// The grain is the Orleans-facing shell (calls, timers, observers, the matchmaker, activation and handover); each job
/// is a part of its own: <see cref="RoomClock"/> (tick loop), <see cref="RoomSeats"/> (seats and resume),
/// <see cref="RoomCheckpoints"/> (grain storage) and <see cref="RoomConfigState"/> (settings).
/// </summary>
internal sealed partial class RoomGrain : Grain, IRoomGrain
{
    // Edges re-subscribe well within this; an edge that died stops receiving after it.
    private static readonly TimeSpan s_observerExpiry = TimeSpan.FromMinutes(2);

    // The matchmaker keeps its room list in memory; if its silo dies, rooms re-announce themselves within this.
    private static readonly TimeSpan s_announceInterval = TimeSpan.FromSeconds(10);

    private readonly string _roomId;
    private readonly string _roomType;
    private readonly GameCatalog _catalog;
    private readonly RoomMetrics _metrics;
    private readonly LocalRooms _localRooms;
    private readonly ILogger<RoomGrain> _logger;
    private readonly ObserverManager<IRoomObserver> _observers;

    private readonly RoomPropertyRules _properties;
    private readonly RoomConfigState _config;
    private readonly RoomSeats _seats = new();
    private readonly RoomCheckpoints _checkpoints;
    private RoomClock? _clock; // made at activation, from the room's settings
    private readonly Periodic _seatSweep = new(TimeSpan.FromSeconds(1), lastRunAt: 0);
    private readonly Periodic _announcement = new(s_announceInterval, Stopwatch.GetTimestamp());
    private readonly RoomLiveStatsTracker _live = new();

    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly int _tickPhases;
    // Tells the matchmaker's status reports of this activation apart from an earlier one's (see RoomStatus).
    private readonly long _activation = RandomNumberGenerator.GetInt32(int.MaxValue) + 1L;
    private long _statusSequence;
    private int _seed;
    private IGame? _game;
    private GameRoomContext? _context;
    // Private or not, code and properties: from the opener (Open), the checkpoint, or the type's defaults (Options).
    private RoomOptions? _options;
    private IReadOnlyDictionary<string, string>? _announcedMetadata;
    private RoomRuntime? _runtime;
    private IGrainTimer? _tickTimer;
    private IGrainTimer? _closeTimer;
    private InputCounts _reportedInputs;
    private bool _closed;
    private bool _opened; // a player joined or Open set the options: later Opens do not replace them
    private bool _movedOut;

    public RoomGrain(
        [PersistentState("checkpoint", RoomStorage.Checkpoints)] IPersistentState<RoomCheckpoint> checkpoint,
        GameCatalog catalog,
        RoomConfigRules rules,
        RoomPropertyRules properties,
        RoomMetrics metrics,
        LocalRooms localRooms,
        IOptions<RoomTickOptions> ticks,
        ILogger<RoomGrain> logger)
    {
        _tickPhases = ticks.Value.Phases;
        _roomId = this.GetPrimaryKeyString();
        _roomType = RoomIds.TypeOf(_roomId) ?? "";
        _catalog = catalog;
        _properties = properties;
        _metrics = metrics;
        _localRooms = localRooms;
        _logger = logger;
        _observers = new ObserverManager<IRoomObserver>(s_observerExpiry, logger);
        _config = new RoomConfigState(rules, _roomType);
        _checkpoints = new RoomCheckpoints(checkpoint, metrics, logger, _roomId, _roomType);
    }

    private IMatchmakerGrain Matchmaker => GrainFactory.GetGrain<IMatchmakerGrain>(_roomType);

    /// <summary>The room's options; a room opened without any (by id, or an old checkpoint) is public with the default properties.</summary>
    private RoomOptions Options => _options ??= new RoomOptions(false, null, _properties.Resolve(_roomType, null).Values ?? new Dictionary<string, string>());

    /// <summary>
    /// Tells the matchmaker who holds this room's seats, its options and the game's metadata for the lobby (after a join
    /// or leave, when the metadata changes, and every few seconds).
    /// </summary>
    private void AnnounceSeats()
    {
        _announcedMetadata = _runtime!.Metadata;
        var metadata = _announcedMetadata is null ? null : new Dictionary<string, string>(_announcedMetadata, StringComparer.Ordinal);
        _ = Matchmaker.RoomUpdated(new RoomStatus(_roomId, _activation, ++_statusSequence, _seats.PlayerIds(), _runtime.Settings.MaxPlayers, Options, metadata));
    }

    // A ticking room takes new settings at its next tick boundary; an idle one at once.
    private bool IsTicking => _tickTimer is not null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!_catalog.TryGet(_roomType, out var game))
        {
            return;
        }
        _localRooms.Add(_roomId);
        // The room type's live settings (configuration plus designers' changes), not just the game's defaults.
        var typeConfig = await GrainFactory.GetGrain<IRoomTypeGrain>(_roomType).GetEffective().ConfigureAwait(true);
        var saved = _checkpoints.Saved;
        var config = _config.Open(typeConfig, saved?.Overrides);
        var settings = RoomConfigRules.ToSettings(config);
        _seed = saved?.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        _options = saved?.Options;
        var context = new GameRoomContext(_roomId, _seed, settings) { Tunables = config.Tunables, Properties = Options.Properties };
        _game = game;
        _context = context;
        _clock = new RoomClock(settings.TickInterval, settings.MaxCatchUpSteps, _startedAt, saved?.ServerTimeMs ?? 0);
        _metrics.RoomOpened(_roomType);
        if (saved is null)
        {
            _runtime = new RoomRuntime(game.CreateRoom(context), settings, context.Room);
            ScheduleCloseIfEmpty();
            Log.Opened(_logger, _roomId, settings.TickRateHz, _seed);
            return;
        }
        Restore(game.CreateRoom(context), context.Room, settings, saved);
    }

    /// <summary>Continues from a checkpoint another activation saved (its silo died or shut down).</summary>
    private void Restore(IGameRoom game, RoomControl control, RoomSettings settings, RoomCheckpoint saved)
    {
        var players = saved.Seats.Select(s => new PlayerProgress(s.EntityId, s.LastProcessedSeq, s.View)).ToArray();
        var checkpoint = new RuntimeCheckpoint(saved.Tick, saved.NextEntityId, players, saved.GameState)
        {
            NextEventSeq = saved.NextEventSeq,
            PendingEvents = [.. saved.PendingEvents.Select(e => new SavedEvent(e.Seq, e.Tick, e.Audience, e.TargetId, e.Payload))],
        };
        _runtime = RoomRuntime.Restore(game, settings, checkpoint, control);
        _seats.Restore(saved.Seats, Environment.TickCount64);
        foreach (var _ in saved.Seats)
        {
            _metrics.PlayerJoined(_roomType);
        }
        var age = _checkpoints.Restored(saved, DateTimeOffset.UtcNow);
        if (saved.HandedOver)
        {
            // A rolling deployment hands every room over: nothing was lost, so nothing for an operator to look at.
            Log.TakenOver(_logger, _roomId, saved.Tick, _seats.Count, age.TotalMilliseconds);
        }
        else
        {
            Log.Restored(_logger, _roomId, saved.Tick, _seats.Count, age.TotalMilliseconds);
        }
        StartTicking();
        // The matchmaker may have died with the old silo: tell it the room is open again.
        AnnounceSeats();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _localRooms.Remove(_roomId);
        if (_movedOut)
        {
            return; // saved and announced by PrepareToMove; a newer activation may already be writing
        }
        if (_runtime is not null && !_closed && _runtime.PlayerCount > 0)
        {
            // Not the room's end but a move (silo shutting down, migration): save the exact tick, then tell the edges
            // to follow the room to its next activation.
            await HandOverAsync(reason).ConfigureAwait(true);
            return;
        }
        // When the silo shuts down the matchmaker goes with it; telling it would only log a failed call.
        Close(reason.Description, tellMatchmaker: reason.ReasonCode != DeactivationReasonCode.ShuttingDown);
        await _checkpoints.ForgetAsync().ConfigureAwait(true);
    }

    public async Task PrepareToMove()
    {
        if (_runtime is null || _closed || _movedOut)
        {
            return;
        }
        if (_runtime.PlayerCount == 0)
        {
            // An empty room ends with its silo; forget its checkpoint and free its code while storage is still reachable.
            Close("silo shutting down with the room empty", tellMatchmaker: true);
            await _checkpoints.ForgetAsync().ConfigureAwait(true);
            await ReleaseCodeAsync().ConfigureAwait(true);
            _movedOut = true;
            return;
        }
        await HandOverAsync(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "silo shutting down")).ConfigureAwait(true);
        _movedOut = true;
    }

    public Task<JoinResult> Open(string playerId, RoomOptions options, byte[]? joinOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfMovedOut();
        if (_runtime is { PlayerCount: 0 } && !_closed && _seats.Count == 0 && _checkpoints.Saved is null && !_opened)
        {
            // Nobody has played here: the game starts again with the opener's properties.
            _opened = true;
            _options = options;
            var settings = _runtime.Settings;
            _runtime.Dispose();
            _context = _context! with { Properties = options.Properties, Room = new RoomControl() };
            _runtime = new RoomRuntime(_game!.CreateRoom(_context), settings, _context.Room);
        }
        return Join(playerId, joinOptions);
    }

    public async Task<JoinResult> JoinByCode(string playerId, string code, byte[]? joinOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ThrowIfMovedOut();
        if (_options?.Code != code)
        {
            // The code leads here but the room does not hold it: its opener never arrived (or the room ended without
            // releasing it). Free the code so it cannot send anyone to an empty room again.
            await GrainFactory.GetGrain<IRoomCodeGrain>(code).Release(_roomId).ConfigureAwait(true);
            return Refused(JoinStatus.CodeUnknown);
        }
        return await Join(playerId, joinOptions).ConfigureAwait(true);
    }

    /// <summary>
    /// The room's code ends with it. Awaited, so a stopping silo does not still have the write in flight; a failure
    /// leaves the code held, and the next JoinByCode with it frees it (this room, reactivated, does not hold it).
    /// </summary>
    private async Task ReleaseCodeAsync()
    {
        if (_options?.Code is not { } code)
        {
            return;
        }
        try
        {
            await GrainFactory.GetGrain<IRoomCodeGrain>(code).Release(_roomId).ConfigureAwait(true);
        }
        catch (Exception ex)
        {
            Log.CodeReleaseFailed(_logger, ex, _roomId);
        }
    }

    public Task<JoinResult> Join(string playerId, byte[]? joinOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(playerId);
        ThrowIfMovedOut();
        if (_runtime is null || _closed)
        {
            return Task.FromResult(Refused(JoinStatus.UnknownRoomType));
        }
        if (_seats.FindPlayer(playerId) is { } held)
        {
            return Task.FromResult(TakeOver(playerId, held));
        }
        var outcome = _runtime.Join(playerId, joinOptions);
        if (outcome.Status == JoinOutcomeStatus.Full)
        {
            _ = Matchmaker.RoomFull(_roomId);
            return Task.FromResult(Refused(JoinStatus.RoomFull));
        }
        if (outcome.Status == JoinOutcomeStatus.Refused)
        {
            Log.JoinRefused(_logger, _roomId, playerId, outcome.Reason!);
            return Task.FromResult(Refused(JoinStatus.Refused) with { Reason = outcome.Reason });
        }
        var entityId = (int?)outcome.EntityId;
        var seat = _seats.Add(entityId.Value, playerId, Environment.TickCount64);
        seat.Role = outcome.Role;
        _runtime.AwaitEdge(entityId.Value);
        _opened = true;
        _metrics.PlayerJoined(_roomType);
        StartTicking();
        AnnounceSeats();
        Log.PlayerJoined(_logger, _roomId, playerId, entityId.Value, _runtime.PlayerCount);
        return Task.FromResult(Seated(entityId.Value, seat, resumed: false));
    }

    /// <summary>
    /// A player who has a seat here joins again (a second device, a second tab, a client that lost its resume token): the
    /// new connection gets the seat, entity and place in the game included, and the edges close the older connection.
    /// Its input count starts again at 1, as for any join; what the older connection sent from now on is dropped.
    /// </summary>
    private JoinResult TakeOver(string playerId, int entityId)
    {
        var seat = _seats.TakeOver(entityId, Environment.TickCount64);
        _runtime!.RestartInputs(entityId);
        _runtime.AwaitEdge(entityId);
        _metrics.SeatTakenOver(_roomType);
        Log.SeatTakenOver(_logger, _roomId, playerId, entityId, seat.Generation);
        var generation = seat.Generation;
        _observers.Notify(o => o.OnSeatResumed(entityId, generation));
        AnnounceSeats();
        return Seated(entityId, seat, resumed: false);
    }

    public Task<JoinResult> Resume(string playerId, string resumeToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(playerId);
        ThrowIfMovedOut();
        if (_runtime is null || _closed)
        {
            return Task.FromResult(Refused(JoinStatus.ResumeExpired));
        }
        var resume = _seats.Resume(playerId, resumeToken, Environment.TickCount64);
        if (resume.Status == SeatResumeStatus.NoSeat)
        {
            if (_runtime.PlayerCount == 0)
            {
                // No such game (closed, or a made-up id): do not keep an empty room alive for its grace period.
                DeactivateOnIdle();
            }
            _metrics.ResumeRefused(_roomType, "expired");
            Log.ResumeRefused(_logger, _roomId, playerId, "no seat (released or never here)");
            return Task.FromResult(Refused(JoinStatus.ResumeExpired));
        }
        if (resume.Status == SeatResumeStatus.WrongToken)
        {
            _metrics.ResumeRefused(_roomType, "rejected");
            Log.ResumeRefused(_logger, _roomId, playerId, "token does not match the seat's");
            return Task.FromResult(Refused(JoinStatus.ResumeRejected));
        }
        var (entityId, seat) = (resume.EntityId, resume.Seat!);
        _runtime.AwaitEdge(entityId);
        _metrics.Resumed(_roomType);
        Log.Resumed(_logger, _roomId, playerId, entityId, seat.Generation, resume.WasDisconnected);
        var generation = seat.Generation;
        _observers.Notify(o => o.OnSeatResumed(entityId, generation));
        return Task.FromResult(Seated(entityId, seat, resumed: true));
    }

    public Task Leave(int entityId)
    {
        Release(entityId, "left");
        return Task.CompletedTask;
    }

    public Task Disconnect(int entityId, int generation)
    {
        if (_runtime is null)
        {
            return Task.CompletedTask;
        }
        var grace = _runtime.Settings.ReconnectGraceSeconds;
        var disconnect = _seats.Disconnect(entityId, generation, grace, Environment.TickCount64);
        if (disconnect.Status == SeatDisconnectStatus.Release)
        {
            Release(entityId, "disconnected");
        }
        else if (disconnect.Status == SeatDisconnectStatus.Held)
        {
            Log.SeatHeld(_logger, _roomId, disconnect.Seat!.PlayerId, entityId, grace);
        }
        return Task.CompletedTask;
    }

    /// <summary>A room that already saved its final state for the next silo must not hand out seats the save lacks.</summary>
    private void ThrowIfMovedOut()
    {
        if (_movedOut)
        {
            // The edge answers "internal error, try again"; by then the room is on its next silo.
            throw new InvalidOperationException($"Room {_roomId} is moving to another silo; try again.");
        }
    }

    private JoinResult Seated(int entityId, RoomSeat seat, bool resumed)
    {
        var settings = _runtime!.Settings;
        return new JoinResult(
            JoinStatus.Joined, _roomId, _roomType, entityId, settings.TickRateHz, settings.SnapshotEveryTicks,
            _runtime.Tick, settings.MaxPlayers, seat.Token, seat.Generation, settings.ReconnectGraceSeconds, resumed, Options,
            seat.Role, _runtime.ViewOf(entityId));
    }

    /// <summary>Frees a seat: the entity leaves the game and the slot opens for new players.</summary>
    private void Release(int entityId, string why)
    {
        if (_runtime is null || !_runtime.Leave(entityId))
        {
            return;
        }
        var seat = _seats.Remove(entityId);
        _metrics.PlayerLeft(_roomType);
        Log.PlayerLeft(_logger, _roomId, seat?.PlayerId ?? "?", entityId, why, _runtime.PlayerCount);
        AnnounceSeats();
        ScheduleCloseIfEmpty();
    }

    /// <summary>Releases seats whose player has been gone longer than the grace window (called about once a second).</summary>
    private void SweepSeats()
    {
        foreach (var entityId in _seats.Expired(_runtime!.Settings.ReconnectGraceSeconds, Environment.TickCount64) ?? [])
        {
            Release(entityId, "grace window passed");
        }
        if (!MetadataEquals(_runtime.Metadata, _announcedMetadata))
        {
            AnnounceSeats(); // the lobby shows it
        }
    }

    public Task SubmitInputs(InputBatch batch)
    {
        if (_runtime is null)
        {
            return Task.CompletedTask;
        }
        foreach (var input in batch.Inputs)
        {
            if (!_seats.AcceptsInputFrom(input.EntityId, input.Generation))
            {
                continue; // sent by a connection whose seat another connection of the player took over since
            }
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

    public Task Renew(IRoomObserver observer, int[] heldEntities)
    {
        _observers.Subscribe(observer, observer);
        _seats.Renew(heldEntities, Environment.TickCount64);
        _runtime?.EdgeHolds(heldEntities);
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
        var config = _config.Effective ?? new RoomConfig(0, 0, 0, 0, 0, 0, []);
        return Task.FromResult(r is null
            ? new RoomInfo(_roomId, _roomType, 0, 0, 0, 0, 0, 0, 0, 0, 0, _observers.Count, live, config, _config.Overrides)
            : new RoomInfo(_roomId, _roomType, r.Tick, r.PlayerCount, r.Settings.MaxPlayers, r.Settings.TickRateHz,
                _clock!.SkippedSteps, r.InputsApplied, r.InputsRejected, r.InputsDropped, r.InputsStale, _observers.Count,
                live, config, _config.Overrides,
                new RoomRecoveryInfo(_checkpoints.Written, _checkpoints.LastWrittenTick, _checkpoints.RestoredFromTick, _seats.DisconnectedCount)));
    }

    public Task ApplyTypeConfig(RoomConfig config)
    {
        if (_runtime is null)
        {
            return Task.CompletedTask;
        }
        if (_config.TypeChanged(config, IsTicking) is { } applyNow)
        {
            ApplyConfig(applyNow);
        }
        return Task.CompletedTask;
    }

    public Task<SettingsChange> SetOverrides(RoomConfigPatch? overrides)
    {
        if (_runtime is null || _config.Effective is null)
        {
            return Task.FromResult(SettingsChange.Refused(new() { ["roomId"] = $"Room {_roomId} is not a room of a registered game." }));
        }
        var change = _config.SetOverrides(overrides, IsTicking, out var applyNow);
        if (applyNow is not null)
        {
            ApplyConfig(applyNow);
        }
        return Task.FromResult(change);
    }

    private void ApplyConfig(RoomConfig config)
    {
        var runtime = _runtime!;
        var before = runtime.Settings;
        var settings = RoomConfigRules.ToSettings(config);
        runtime.ApplySettings(settings, config.Tunables);
        _clock!.Reconfigure(settings.TickInterval, settings.MaxCatchUpSteps);
        if (before.TickRateHz != settings.TickRateHz || before.SnapshotEveryTicks != settings.SnapshotEveryTicks || before.MaxPlayers != settings.MaxPlayers)
        {
            // Edges re-aim their input flushes and tell players in-band, so client interpolation follows.
            var notice = new RoomSettingsNotice(runtime.Tick, settings.TickRateHz, settings.SnapshotEveryTicks, settings.MaxPlayers);
            _observers.Notify(o => o.OnSettingsChanged(notice));
        }
        if (before.MaxPlayers != settings.MaxPlayers)
        {
            AnnounceSeats();
        }
        Log.SettingsApplied(_logger, _roomId, runtime.Tick, settings.TickRateHz, settings.SnapshotEveryTicks);
    }

    /// <summary>One timer turn: settings waiting for the boundary, the steps due, a snapshot if one is due, then housekeeping.</summary>
    private Task OnTick()
    {
        var runtime = _runtime!;
        var now = Stopwatch.GetTimestamp();
        if (_config.TakePending() is { } pending)
        {
            ApplyConfig(pending);
        }
        var clock = _clock!;
        var advance = clock.Advance(now);
        var steps = advance.Steps;
        for (var i = 0; i < steps; i++)
        {
            runtime.Step();
        }
        _tickTimer?.Change(advance.NextDue, Timeout.InfiniteTimeSpan);
        var snapshotBytes = 0;
        // A kick or the room's end goes out after a snapshot, so the events before it reach the players first. Until an
        // edge listens (a new room's first player is still subscribing), snapshots would reach nobody: the game's events
        // wait for the first one that does.
        var requests = runtime.HasGameRequests;
        if (steps > 0 && (requests || clock.IsSnapshotDue(runtime.Tick, runtime.Settings.SnapshotEveryTicks)) && _observers.Count > 0)
        {
            var serverTimeMs = (uint)clock.ServerTimeMs(now);
            var frame = ToFrame(runtime.WriteSnapshots(serverTimeMs), runtime.StreamId);
            snapshotBytes = frame.Bytes.Length;
            _metrics.SnapshotWritten(_roomType, frame.Bytes.Length);
            _observers.Notify(o => o.OnSnapshot(frame));
        }
        if (steps > 0)
        {
            _live.Record(now, Stopwatch.GetTimestamp() - now, snapshotBytes);
            if (requests && (snapshotBytes > 0 || _observers.Count == 0))
            {
                ActOnGameRequests(runtime);
            }
            if (_closed)
            {
                return Task.CompletedTask;
            }
        }
        RecordTick(steps, now, advance.Lateness);
        if (_seatSweep.TryRun(now))
        {
            SweepSeats();
        }
        if (_announcement.TryRun(now))
        {
            AnnounceSeats();
        }
        if (steps > 0 && _checkpoints.IsDue(runtime.Tick, runtime.Settings.CheckpointIntervalSeconds, runtime.Settings.TickRateHz))
        {
            _checkpoints.Start(TakeCheckpoint(now), runtime.Settings.TickRateHz);
        }
        return Task.CompletedTask;
    }

    private static SnapshotFrame ToFrame(RoomSnapshot snapshot, long stream)
    {
        var first = snapshot.Views[0];
        ViewFrame[]? others = null;
        if (snapshot.Views.Length > 1)
        {
            others = new ViewFrame[snapshot.Views.Length - 1];
            for (var i = 1; i < snapshot.Views.Length; i++)
            {
                var v = snapshot.Views[i];
                others[i - 1] = new ViewFrame(v.View, v.Keyframe, v.Delta, v.Events);
            }
        }
        var own = snapshot.PlayerEvents?.Select(p => new PlayerEventsFrame(p.EntityId, p.Events)).ToArray();
        return new SnapshotFrame(snapshot.Tick, first.Keyframe, first.Delta, snapshot.BaseTick, stream, first.View, first.Events, others, own);
    }

    /// <summary>The game kicked players or ended the room during the tick: done now, after the tick's snapshot went out.</summary>
    private void ActOnGameRequests(RoomRuntime runtime)
    {
        foreach (var (entityId, reason) in runtime.TakeKicks())
        {
            if (_seats.Find(entityId) is not { } seat)
            {
                continue;
            }
            var generation = seat.Generation;
            _observers.Notify(o => o.OnKicked(entityId, generation, reason));
            Log.Kicked(_logger, _roomId, seat.PlayerId, entityId, reason);
            Release(entityId, "kicked");
        }
        if (runtime.CloseReason is { } closeReason && !_closed)
        {
            _ = EndAsync(closeReason);
        }
    }

    /// <summary>The game ended the room: players are told why, the room is forgotten (nothing to restore) and deactivates.</summary>
    private async Task EndAsync(string reason)
    {
        Close(reason, tellMatchmaker: true, gameReason: reason);
        await _checkpoints.ForgetAsync().ConfigureAwait(true);
        await ReleaseCodeAsync().ConfigureAwait(true);
        DeactivateOnIdle();
    }

    private RoomCheckpoint TakeCheckpoint(long now)
    {
        var runtime = _runtime!.SaveCheckpoint();
        var nowMs = Environment.TickCount64;
        var seats = runtime.Players.Select(p => _seats.Save(p, nowMs)).ToArray();
        return new RoomCheckpoint
        {
            Tick = runtime.Tick,
            NextEntityId = runtime.NextEntityId,
            Seats = seats,
            GameState = runtime.GameState,
            Seed = _seed,
            Overrides = _config.Overrides,
            Options = _options,
            NextEventSeq = runtime.NextEventSeq,
            PendingEvents = [.. (runtime.PendingEvents ?? []).Select(e => new EventCheckpoint(e.Seq, e.Tick, e.Audience, e.TargetId, e.Payload))],
            SavedAt = DateTimeOffset.UtcNow,
            ServerTimeMs = _clock!.ServerTimeMs(now),
        };
    }

    /// <summary>Saves the exact current tick and points the edges at the room's next activation.</summary>
    private async Task HandOverAsync(DeactivationReason reason)
    {
        _tickTimer?.Dispose();
        _tickTimer = null;
        await _checkpoints.WhenWrittenAsync().ConfigureAwait(true);
        var final = TakeCheckpoint(Stopwatch.GetTimestamp());
        final.HandedOver = true;
        await _checkpoints.WriteNowAsync(final, _runtime!.Settings.TickRateHz).ConfigureAwait(true);
        await _observers.Notify(o => o.OnRoomMoving(_roomId)).ConfigureAwait(true);
        _metrics.RoomClosed(_roomType, _runtime.PlayerCount);
        _runtime.Dispose();
        _closed = true;
        Log.HandedOver(_logger, _roomId, final.Tick, reason.Description);
    }

    private void RecordTick(int steps, long startedAt, TimeSpan lateness)
    {
        var runtime = _runtime!;
        _metrics.Ticked(_roomType, steps, _clock!.TakeSkippedSinceLastReport(), Stopwatch.GetElapsedTime(startedAt), lateness);
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
        // The phase only needs to be stable within this process: string hashes are, and they spread ids evenly.
        var firstDue = _clock!.Start(Stopwatch.GetTimestamp(), (int)((uint)StringComparer.Ordinal.GetHashCode(_roomId) % Math.Max(1, _tickPhases)), _tickPhases);
        _tickTimer = this.RegisterGrainTimer(static self => self.OnTick(), this, new GrainTimerCreationOptions
        {
            DueTime = firstDue,
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

    private async Task CloseIfStillEmpty()
    {
        if (_runtime is { PlayerCount: 0 })
        {
            // Checkpoint gone before the matchmaker and the lobby drop the room: a room nobody lists is also one nothing
            // can restore, and a host stopping right after sees no storage call still in flight.
            await _checkpoints.ForgetAsync().ConfigureAwait(true);
            await ReleaseCodeAsync().ConfigureAwait(true);
            Close("empty past its grace period", tellMatchmaker: true);
            DeactivateOnIdle();
        }
    }

    private void Close(string reason, bool tellMatchmaker, string? gameReason = null)
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
            _observers.Notify(o => o.OnRoomClosed(_roomId, gameReason));
            if (tellMatchmaker)
            {
                _ = Matchmaker.RoomClosed(_roomId);
            }
            _metrics.RoomClosed(_roomType, _runtime.PlayerCount);
            _runtime.Dispose();
            Log.Closed(_logger, _roomId, reason, _runtime.Tick);
        }
    }

    private static bool MetadataEquals(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var v) && v == e.Value));

    private JoinResult Refused(JoinStatus status) => new(status, _roomId, _roomType, 0, 0, 0, 0, 0, "");

    /// <summary>The runtime's cumulative input counters, as last reported to the metrics.</summary>
    private readonly record struct InputCounts(long Applied, long Rejected, long Dropped, long Stale);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Room {RoomId} opened at {TickRateHz} Hz (seed {Seed})")]
        public static partial void Opened(ILogger logger, string roomId, int tickRateHz, int seed);

        [LoggerMessage(2, LogLevel.Information, "Room {RoomId}: player {PlayerId} joined as entity {EntityId} ({Players} players)")]
        public static partial void PlayerJoined(ILogger logger, string roomId, string playerId, int entityId, int players);

        [LoggerMessage(3, LogLevel.Information, "Room {RoomId}: player {PlayerId} (entity {EntityId}) left: {Why} ({Players} players)")]
        public static partial void PlayerLeft(ILogger logger, string roomId, string playerId, int entityId, string why, int players);

        [LoggerMessage(4, LogLevel.Information, "Room {RoomId} closed ({Reason}) at tick {Tick}")]
        public static partial void Closed(ILogger logger, string roomId, string reason, long tick);

        [LoggerMessage(5, LogLevel.Information, "Room {RoomId}: new settings from tick {Tick}: {TickRateHz} Hz, snapshot every {SnapshotEveryTicks} tick(s)")]
        public static partial void SettingsApplied(ILogger logger, string roomId, long tick, int tickRateHz, int snapshotEveryTicks);

        [LoggerMessage(6, LogLevel.Information, "Room {RoomId}: player {PlayerId} (entity {EntityId}) disconnected; seat kept for {GraceSeconds} s")]
        public static partial void SeatHeld(ILogger logger, string roomId, string playerId, int entityId, double graceSeconds);

        [LoggerMessage(7, LogLevel.Information, "Room {RoomId}: player {PlayerId} resumed entity {EntityId} (generation {Generation}, was disconnected: {WasDisconnected})")]
        public static partial void Resumed(ILogger logger, string roomId, string playerId, int entityId, int generation, bool wasDisconnected);

        [LoggerMessage(8, LogLevel.Information, "Room {RoomId}: resume by player {PlayerId} refused: {Why}")]
        public static partial void ResumeRefused(ILogger logger, string roomId, string playerId, string why);

        [LoggerMessage(9, LogLevel.Warning, "Room {RoomId} restored from its checkpoint at tick {Tick} with {Seats} seats (checkpoint {AgeMs:F0} ms old)")]
        public static partial void Restored(ILogger logger, string roomId, long tick, int seats, double ageMs);

        // Event id 10 (a failed checkpoint) is logged by RoomCheckpoints, with this logger.

        [LoggerMessage(11, LogLevel.Information, "Room {RoomId} handed over at tick {Tick} ({Reason})")]
        public static partial void HandedOver(ILogger logger, string roomId, long tick, string reason);

        [LoggerMessage(12, LogLevel.Information, "Room {RoomId} continues from its handover at tick {Tick} with {Seats} seats (saved {AgeMs:F0} ms ago)")]
        public static partial void TakenOver(ILogger logger, string roomId, long tick, int seats, double ageMs);

        [LoggerMessage(13, LogLevel.Information, "Room {RoomId}: player {PlayerId} joined again and took their seat (entity {EntityId}, generation {Generation}) over from their other connection")]
        public static partial void SeatTakenOver(ILogger logger, string roomId, string playerId, int entityId, int generation);

        [LoggerMessage(15, LogLevel.Information, "Room {RoomId}: the game refused player {PlayerId}: {Reason}")]
        public static partial void JoinRefused(ILogger logger, string roomId, string playerId, string reason);

        [LoggerMessage(16, LogLevel.Information, "Room {RoomId}: the game kicked player {PlayerId} (entity {EntityId}): {Reason}")]
        public static partial void Kicked(ILogger logger, string roomId, string playerId, int entityId, string reason);

        [LoggerMessage(14, LogLevel.Warning, "Room {RoomId}: releasing its code failed; the code stays held until someone tries it")]
        public static partial void CodeReleaseFailed(ILogger logger, Exception ex, string roomId);
    }
}
