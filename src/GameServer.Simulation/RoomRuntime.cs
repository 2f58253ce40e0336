using System.Buffers;
using GameServer.Protocol;
using MessagePack;

namespace GameServer.Simulation;

/// <summary>
/// Runs one room of any game: holds each player's queued inputs, applies them at tick boundaries in sequence order,
/// steps the game by a fixed dt, and writes the snapshot frame once for everyone. Knows nothing of any one game.
/// Not thread-safe: the owner (the room grain) calls it from one turn at a time.
/// </summary>
public sealed class RoomRuntime
{
    private readonly IGameRoom _game;
    private readonly RoomControl _control;
    private readonly List<PlayerSlot> _players = new();
    private readonly ArrayBufferWriter<byte> _snapshotBuffer = new(512);
    private readonly ArrayBufferWriter<byte> _deltaBuffer = new(256);
    private readonly List<int> _views = new(1);
    // Players whose events wait for their edge (AwaitEdge) or have waited and are not sent yet.
    private int _backlogs;
    private const int MaxBacklog = 256;
    private uint[] _acks = new uint[16];

    // The previous snapshot, which the next delta is written against: per view its frame and where its game state
    // starts (views are few: a list beats a dictionary), and its acks.
    private List<(int View, byte[] Frame, int StateOffset)>? _bases;
    private uint[] _baseAcks = new uint[16];
    private int _baseAckCount;
    private long _baseTick;
    private int _nextEntityId = 1;

    /// <param name="game">The room's game.</param>
    /// <param name="settings">The room's settings.</param>
    /// <param name="control">The <see cref="GameRoomContext.Room"/> the game was created with (its events, kicks and close); null for a game that uses none.</param>
    public RoomRuntime(IGameRoom game, RoomSettings settings, RoomControl? control = null)
    {
        ArgumentNullException.ThrowIfNull(game);
        ArgumentNullException.ThrowIfNull(settings);
        _game = game;
        _control = control ?? new RoomControl();
        Settings = settings;
    }

    public RoomSettings Settings { get; private set; }

    /// <summary>Ticks stepped so far; the next snapshot carries this number.</summary>
    public long Tick { get; private set; }

    public int PlayerCount => _players.Count;

    public bool IsFull => _players.Count >= Settings.MaxPlayers;

    /// <summary>Inputs the game accepted.</summary>
    public long InputsApplied { get; private set; }

    /// <summary>Inputs the game refused as malformed or out of range (still acknowledged).</summary>
    public long InputsRejected { get; private set; }

    /// <summary>Inputs discarded because a player's queue was full (the oldest goes first).</summary>
    public long InputsDropped { get; private set; }

    /// <summary>Inputs whose sequence was not newer than the last processed one (duplicates, late reorders).</summary>
    public long InputsStale { get; private set; }

    /// <summary>
    /// Identifies this runtime's run of snapshots: a delta only applies to a snapshot of the same stream. A restored or
    /// handed-over room is a new runtime, and its tick numbers may repeat ones its players saw before.
    /// </summary>
    public long StreamId { get; } = Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>Applies new settings; takes effect from the next <see cref="Step"/>. The next snapshot is written in full only.</summary>
    public void UpdateSettings(RoomSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _bases = null;
    }

    /// <summary>Applies new settings and tells the game its tunables; call at a tick boundary.</summary>
    public void ApplySettings(RoomSettings settings, IReadOnlyDictionary<string, double> tunables)
    {
        ArgumentNullException.ThrowIfNull(tunables);
        UpdateSettings(settings);
        _game.OnSettingsChanged(settings, tunables);
    }

    /// <summary>Adds a player the game admits without options and returns their entity id, or null when the room is full or the game refused.</summary>
    public int? Join() => Join("", default) is { Status: JoinOutcomeStatus.Joined } joined ? joined.EntityId : null;

    /// <summary>
    /// Asks the game to admit <paramref name="playerId"/> with their join <paramref name="options"/> (see
    /// <see cref="IGameRoom.OnJoinRequest"/>) and, if it does, adds them in the view it chose.
    /// </summary>
    public JoinOutcome Join(string playerId, ReadOnlyMemory<byte> options)
    {
        ArgumentNullException.ThrowIfNull(playerId);
        if (IsFull)
        {
            return new JoinOutcome(JoinOutcomeStatus.Full, 0, 0, null, null);
        }
        var entityId = _nextEntityId;
        _control.EventTick = Tick + 1;
        var decision = _game.OnJoinRequest(new JoinRequest(entityId, playerId, options));
        if (!decision.Accepted)
        {
            return new JoinOutcome(JoinOutcomeStatus.Refused, 0, 0, null, decision.Reason);
        }
        _nextEntityId++;
        var slot = new PlayerSlot(entityId, Settings.InputQueueCapacity) { View = decision.View };
        _players.Add(slot);
        _game.OnJoin(slot.EntityId);
        return new JoinOutcome(JoinOutcomeStatus.Joined, entityId, decision.View, decision.Role, null);
    }

    /// <summary>The view a player was admitted into (0 if not in the room).</summary>
    public int ViewOf(int entityId)
    {
        var index = IndexOf(entityId);
        return index < 0 ? 0 : _players[index].View;
    }

    /// <summary>Removes a player; false if they were not in the room.</summary>
    public bool Leave(int entityId)
    {
        var index = IndexOf(entityId);
        if (index < 0)
        {
            return false;
        }
        if (_players[index].Backlog is not null)
        {
            _backlogs--;
        }
        _players.RemoveAt(index);
        _control.EventTick = Tick + 1;
        _game.OnLeave(entityId);
        return true;
    }

    public bool Contains(int entityId) => IndexOf(entityId) >= 0;

    /// <summary>
    /// A new connection took the player's seat over: its inputs count from 1 again, and what is queued from the older
    /// connection is dropped. The entity, and so the player's place in the game, stays.
    /// </summary>
    public void RestartInputs(int entityId)
    {
        var index = IndexOf(entityId);
        if (index >= 0)
        {
            _players[index].LastProcessedSeq = 0;
            _players[index].ClearQueue();
        }
    }

    /// <summary>The last input sequence processed for a player, or 0.</summary>
    public uint LastProcessedSeq(int entityId)
    {
        var index = IndexOf(entityId);
        return index < 0 ? 0 : _players[index].LastProcessedSeq;
    }

    /// <summary>
    /// Queues an input for the next tick. Returns false if the player is not in the room. The payload must stay
    /// unchanged until the tick that applies it.
    /// </summary>
    public bool Enqueue(int entityId, uint seq, ReadOnlyMemory<byte> payload)
    {
        var index = IndexOf(entityId);
        if (index < 0)
        {
            return false;
        }
        if (!_players[index].Enqueue(seq, payload))
        {
            InputsDropped++;
        }
        return true;
    }

    /// <summary>One fixed step: every player's queued inputs in sequence order, then the game step.</summary>
    public void Step()
    {
        _control.EventTick = Tick + 1; // inputs and the step produce tick + 1
        foreach (var player in _players)
        {
            player.SortQueue();
            for (var i = 0; i < player.QueueCount; i++)
            {
                ref readonly var input = ref player.QueuedAt(i);
                if (input.Seq <= player.LastProcessedSeq)
                {
                    InputsStale++;
                    continue;
                }
                if (_game.TryApplyInput(player.EntityId, input.Payload.Span))
                {
                    InputsApplied++;
                }
                else
                {
                    InputsRejected++;
                }
                player.LastProcessedSeq = input.Seq;
            }
            player.ClearQueue();
        }
        Tick++;
        _game.Step((float)Settings.TickInterval.TotalSeconds, Tick);
        _control.EventTick = Tick + 1;
    }

    /// <summary>The players the game kicked since the last call (<see cref="RoomControl.Kick"/>); the owner removes them.</summary>
    public (int EntityId, string Reason)[] TakeKicks() => _control.TakeKicks();

    /// <summary>True when the game asked for a kick or to close the room and the owner has not acted on it yet.</summary>
    public bool HasGameRequests => _control.HasKicks || _control.CloseReason is not null;

    /// <summary>Why the game closed the room (<see cref="RoomControl.Close"/>), or null while it has not.</summary>
    public string? CloseReason => _control.CloseReason;

    /// <summary>True when the current tick is one a snapshot is sent for.</summary>
    public bool IsSnapshotTick => Tick % Settings.SnapshotEveryTicks == 0;

    /// <summary>Serializes the snapshot frame of the current state once; the bytes go unchanged to every player.</summary>
    public byte[] WriteSnapshot(uint serverTimeMs) => WriteSnapshots(serverTimeMs).Keyframe;

    /// <summary>
    /// Serializes the current state once per view in full and, when the game writes deltas and the view was in the
    /// previous snapshot of this stream, once as the change from that one; then the game's events since the previous
    /// snapshot, once per view (and once more for each player with events of their own). Every player gets one of
    /// their view's two forms, unchanged: the delta if the previous snapshot reached them, else the full one.
    /// </summary>
    public RoomSnapshot WriteSnapshots(uint serverTimeMs)
    {
        var pairs = _players.Count * 2;
        if (_acks.Length < pairs)
        {
            _acks = new uint[pairs * 2];
        }
        _views.Clear();
        for (var i = 0; i < _players.Count; i++)
        {
            _acks[2 * i] = (uint)_players[i].EntityId;
            _acks[(2 * i) + 1] = _players[i].LastProcessedSeq;
            if (!_views.Contains(_players[i].View))
            {
                _views.Add(_players[i].View);
            }
        }
        if (_views.Count == 0)
        {
            _views.Add(0);
        }
        _views.Sort();
        var acks = _acks.AsSpan(0, pairs);
        var views = new ViewSnapshot[_views.Count];
        var bases = new List<(int View, byte[] Frame, int StateOffset)>(_views.Count);
        for (var v = 0; v < _views.Count; v++)
        {
            var view = _views[v];
            _snapshotBuffer.ResetWrittenCount();
            var writer = new MessagePackWriter(_snapshotBuffer);
            SnapshotFormatter.WriteFrameHeader(ref writer, Tick, serverTimeMs, acks);
            writer.Flush();
            var stateOffset = _snapshotBuffer.WrittenCount;
            _game.WriteViewState(view, ref writer);
            writer.Flush();
            var keyframe = _snapshotBuffer.WrittenSpan.ToArray();
            views[v] = new ViewSnapshot(view, keyframe, WriteDelta(view, serverTimeMs, acks), null);
            bases.Add((view, keyframe, stateOffset));
        }
        var baseTick = _bases is null ? 0 : _baseTick;

        _bases = bases;
        _baseTick = Tick;
        if (_baseAcks.Length < pairs)
        {
            _baseAcks = new uint[pairs * 2];
        }
        acks.CopyTo(_baseAcks);
        _baseAckCount = pairs;

        var playerEvents = WriteEvents(views);
        return new RoomSnapshot(Tick, views, baseTick, playerEvents);
    }

    /// <summary>The delta frame of <paramref name="view"/> against its previous snapshot, or null when there is none to write.</summary>
    private byte[]? WriteDelta(int view, uint serverTimeMs, ReadOnlySpan<uint> acks)
    {
        if (_bases is null)
        {
            return null;
        }
        foreach (var (baseView, frame, stateOffset) in _bases)
        {
            if (baseView != view)
            {
                continue;
            }
            _deltaBuffer.ResetWrittenCount();
            var writer = new MessagePackWriter(_deltaBuffer);
            DeltaFormatter.WriteFrameHeader(ref writer, Tick, _baseTick, serverTimeMs, _baseAcks.AsSpan(0, _baseAckCount), acks);
            if (!_game.TryWriteViewDelta(view, frame.AsMemory(stateOffset), ref writer))
            {
                return null;
            }
            writer.Flush();
            return _deltaBuffer.WrittenSpan.ToArray();
        }
        return null; // the view's first players arrived since: they start from the full state
    }

    /// <summary>
    /// Puts the events emitted since the previous snapshot into each view's frame (<paramref name="views"/> are filled
    /// in) and returns the frames of players who have events of their own: each holds everything that player gets, in order.
    /// </summary>
    private PlayerEvents[]? WriteEvents(ViewSnapshot[] views)
    {
        var pending = _control.PendingEvents;
        if (pending.Count == 0 && _backlogs == 0)
        {
            return null;
        }
        for (var v = 0; v < views.Length; v++)
        {
            var view = views[v].View;
            views[v] = views[v] with { Events = EncodeEvents(pending, null, e => e.Target.Audience != EventAudience.Player && e.Target.Reaches(view, 0)) };
        }
        List<PlayerEvents>? own = null;
        foreach (var player in _players)
        {
            var entityId = player.EntityId;
            var view = player.View;
            if (player.Backlog is { } backlog)
            {
                if (player.AwaitingEdge)
                {
                    // Not listening yet: what reaches the player waits, and they get none of this frame's events now.
                    foreach (var e in pending)
                    {
                        if (e.Target.Reaches(view, entityId) && backlog.Count < MaxBacklog)
                        {
                            backlog.Add(e);
                        }
                    }
                    (own ??= new()).Add(new PlayerEvents(entityId, []));
                    continue;
                }
                // Listening now: everything that waited, then this frame's.
                player.Backlog = null;
                _backlogs--;
                (own ??= new()).Add(new PlayerEvents(entityId, EncodeEvents(pending, backlog, e => e.Target.Reaches(view, entityId)) ?? []));
                continue;
            }
            var hasOwn = false;
            foreach (var e in pending)
            {
                hasOwn |= e.Target.Audience == EventAudience.Player && e.Target.Id == entityId;
            }
            if (hasOwn)
            {
                (own ??= new()).Add(new PlayerEvents(entityId, EncodeEvents(pending, null, e => e.Target.Reaches(view, entityId))!));
            }
        }
        _control.ClearPending();
        return own?.ToArray();
    }

    /// <summary>
    /// The player's seat was just taken (a join, a takeover, a resume) and their edge is not listening to the room for
    /// them yet: the events that reach them wait (up to <see cref="MaxBacklog"/>) until <see cref="EdgeHolds"/> says it is,
    /// then come in the next snapshot's events. Otherwise those of the few ticks in between would reach no connection.
    /// </summary>
    public void AwaitEdge(int entityId)
    {
        var index = IndexOf(entityId);
        if (index < 0)
        {
            return;
        }
        var player = _players[index];
        player.AwaitingEdge = true;
        if (player.Backlog is null)
        {
            player.Backlog = new List<PendingEvent>();
            _backlogs++;
        }
    }

    /// <summary>An edge is listening to the room for these players: the events waiting for them go out with the next snapshot.</summary>
    public void EdgeHolds(IEnumerable<int> entityIds)
    {
        ArgumentNullException.ThrowIfNull(entityIds);
        foreach (var entityId in entityIds)
        {
            var index = IndexOf(entityId);
            if (index >= 0)
            {
                _players[index].AwaitingEdge = false;
            }
        }
    }

    private byte[]? EncodeEvents(IReadOnlyList<PendingEvent> pending, List<PendingEvent>? waited, Func<PendingEvent, bool> reaches)
    {
        var items = new List<GameEvent>();
        foreach (var e in waited ?? [])
        {
            items.Add(new GameEvent(e.Seq, e.Tick, e.Payload));
        }
        foreach (var e in pending)
        {
            if (reaches(e))
            {
                items.Add(new GameEvent(e.Seq, e.Tick, e.Payload));
            }
        }
        return items.Count == 0 ? null : MessageCodec.Encode(new Events(Tick, items));
    }

    /// <summary>Everything needed to continue this room later, possibly in another process: tick, players' progress, game state.</summary>
    public RuntimeCheckpoint SaveCheckpoint()
    {
        var players = new PlayerProgress[_players.Count];
        for (var i = 0; i < players.Length; i++)
        {
            players[i] = new PlayerProgress(_players[i].EntityId, _players[i].LastProcessedSeq, _players[i].View);
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        _game.SaveState(ref writer);
        writer.Flush();
        var events = _control.PendingEvents
            .Select(e => new SavedEvent(e.Seq, e.Tick, (int)e.Target.Audience, e.Target.Id, e.Payload))
            .ToArray();
        return new RuntimeCheckpoint(Tick, _nextEntityId, players, buffer.WrittenSpan.ToArray())
        {
            NextEventSeq = _control.NextEventSeq,
            PendingEvents = events,
        };
    }

    /// <summary>
    /// A runtime continuing from <paramref name="checkpoint"/>: same tick, same entities with their views and last
    /// processed input sequences (so acknowledgements and sequence checks carry on), the game's saved state, and the
    /// events not yet sent with their numbers (so none is lost or numbered twice). Queued inputs are not kept.
    /// </summary>
    public static RoomRuntime Restore(IGameRoom game, RoomSettings settings, RuntimeCheckpoint checkpoint, RoomControl? control = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var runtime = new RoomRuntime(game, settings, control) { Tick = checkpoint.Tick };
        foreach (var player in checkpoint.Players)
        {
            runtime._players.Add(new PlayerSlot(player.EntityId, settings.InputQueueCapacity) { LastProcessedSeq = player.LastProcessedSeq, View = player.View });
        }
        runtime._nextEntityId = Math.Max(checkpoint.NextEntityId, checkpoint.Players.Select(p => p.EntityId + 1).DefaultIfEmpty(1).Max());
        runtime._control.NextEventSeq = Math.Max(1, checkpoint.NextEventSeq);
        foreach (var e in checkpoint.PendingEvents ?? [])
        {
            var target = (EventAudience)e.Audience switch
            {
                EventAudience.View => EventTarget.ToView(e.TargetId),
                EventAudience.Player => EventTarget.ToPlayer(e.TargetId),
                _ => EventTarget.Everyone,
            };
            runtime._control.AddRestored(new PendingEvent(e.Seq, e.Tick, target, e.Payload));
        }
        runtime._control.EventTick = checkpoint.Tick + 1;
        var reader = new MessagePackReader(checkpoint.GameState);
        game.RestoreState(ref reader);
        return runtime;
    }

    /// <summary>What the game says about the room for the lobby (<see cref="IGameRoom.Metadata"/>).</summary>
    public IReadOnlyDictionary<string, string>? Metadata => _game.Metadata;

    public void Dispose() => _game.OnDispose();

    private int IndexOf(int entityId)
    {
        for (var i = 0; i < _players.Count; i++)
        {
            if (_players[i].EntityId == entityId)
            {
                return i;
            }
        }
        return -1;
    }

    private sealed class PlayerSlot(int entityId, int capacity)
    {
        private readonly QueuedInput[] _queue = new QueuedInput[capacity];
        private int _start;

        public int EntityId { get; } = entityId;

        public uint LastProcessedSeq { get; set; }

        /// <summary>The view the game admitted the player into.</summary>
        public int View { get; init; }

        /// <summary>True from a seat being taken until an edge says it listens for it.</summary>
        public bool AwaitingEdge { get; set; }

        /// <summary>The events that reached the player while <see cref="AwaitingEdge"/>; null when none wait.</summary>
        public List<PendingEvent>? Backlog { get; set; }

        public int QueueCount { get; private set; }

        /// <summary>Adds an input; when full, the oldest is overwritten and false is returned.</summary>
        public bool Enqueue(uint seq, ReadOnlyMemory<byte> payload)
        {
            var dropped = false;
            if (QueueCount == _queue.Length)
            {
                _start = (_start + 1) % _queue.Length;
                QueueCount--;
                dropped = true;
            }
            _queue[(_start + QueueCount) % _queue.Length] = new QueuedInput(seq, payload);
            QueueCount++;
            return !dropped;
        }

        public ref readonly QueuedInput QueuedAt(int i) => ref _queue[(_start + i) % _queue.Length];

        /// <summary>Insertion sort by sequence: queues are tiny and usually already in order.</summary>
        public void SortQueue()
        {
            if (_start != 0)
            {
                Normalize();
            }
            for (var i = 1; i < QueueCount; i++)
            {
                var item = _queue[i];
                var j = i - 1;
                while (j >= 0 && _queue[j].Seq > item.Seq)
                {
                    _queue[j + 1] = _queue[j];
                    j--;
                }
                _queue[j + 1] = item;
            }
        }

        public void ClearQueue()
        {
            Array.Clear(_queue);
            _start = 0;
            QueueCount = 0;
        }

        private void Normalize()
        {
            var copy = new QueuedInput[QueueCount];
            for (var i = 0; i < QueueCount; i++)
            {
                copy[i] = _queue[(_start + i) % _queue.Length];
            }
            copy.CopyTo(_queue, 0);
            _start = 0;
        }
    }

    private readonly record struct QueuedInput(uint Seq, ReadOnlyMemory<byte> Payload);
}

/// <summary>One snapshot of a room, serialized once per view in each form (see <see cref="RoomRuntime.WriteSnapshots"/>).</summary>
/// <param name="Tick">The tick the state results from.</param>
/// <param name="Views">Each view's frames, by increasing view; one (view 0) for a public game.</param>
/// <param name="BaseTick">The tick of the previous snapshot, which the views' deltas apply to.</param>
/// <param name="PlayerEvents">Event frames of players who have events of their own (they get these instead of their view's).</param>
public readonly record struct RoomSnapshot(long Tick, ViewSnapshot[] Views, long BaseTick, PlayerEvents[]? PlayerEvents = null)
{
    /// <summary>The first view's full <c>Snapshot</c> frame (the only view of a public game).</summary>
    public byte[] Keyframe => Views[0].Keyframe;

    /// <summary>The first view's <c>Delta</c> frame, or null.</summary>
    public byte[]? Delta => Views[0].Delta;
}

/// <summary>One view's frames of a snapshot.</summary>
/// <param name="View">The view.</param>
/// <param name="Keyframe">The full <c>Snapshot</c> frame.</param>
/// <param name="Delta">The <c>Delta</c> frame against the view's previous snapshot, or null when there is none.</param>
/// <param name="Events">The <c>Events</c> frame for the view's players, or null when none happened.</param>
public readonly record struct ViewSnapshot(int View, byte[] Keyframe, byte[]? Delta, byte[]? Events);

/// <summary>
/// The <c>Events</c> frame of one player who has events of their own: everything they get, in order; empty when the
/// player gets none of the view's events this time (their edge is not listening yet: they wait).
/// </summary>
public readonly record struct PlayerEvents(int EntityId, byte[] Events);

/// <summary>One player's place in a room's input stream, and the view the game admitted them into.</summary>
public readonly record struct PlayerProgress(int EntityId, uint LastProcessedSeq, int View = 0);

/// <summary>An event saved in a checkpoint before its snapshot was sent.</summary>
public sealed record SavedEvent(long Seq, long Tick, int Audience, int TargetId, byte[] Payload);

/// <summary>A <see cref="RoomRuntime"/>'s saved state (see <see cref="RoomRuntime.SaveCheckpoint"/>).</summary>
/// <param name="Tick">The tick the state is the result of.</param>
/// <param name="NextEntityId">The entity id the next joining player gets.</param>
/// <param name="Players">Every player's entity, view and last processed input sequence.</param>
/// <param name="GameState">The game's <see cref="IGameRoom.SaveState"/> bytes.</param>
public sealed record RuntimeCheckpoint(long Tick, int NextEntityId, PlayerProgress[] Players, byte[] GameState)
{
    /// <summary>The number the next event gets.</summary>
    public long NextEventSeq { get; init; } = 1;

    /// <summary>Events emitted after the last snapshot before the save: sent after the restored room's first snapshot.</summary>
    public SavedEvent[]? PendingEvents { get; init; }
}

/// <summary>Whether a join succeeded (<see cref="RoomRuntime.Join(string, ReadOnlyMemory{byte})"/>).</summary>
public enum JoinOutcomeStatus
{
    Joined,
    Full,
    Refused,
}

/// <summary>The result of a join: the entity, view and role, or why not.</summary>
public readonly record struct JoinOutcome(JoinOutcomeStatus Status, int EntityId, int View, string? Role, string? Reason);
