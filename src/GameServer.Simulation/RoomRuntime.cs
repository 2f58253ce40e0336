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
    private readonly List<PlayerSlot> _players = new();
    private readonly ArrayBufferWriter<byte> _snapshotBuffer = new(512);
    private readonly ArrayBufferWriter<byte> _deltaBuffer = new(256);
    private uint[] _acks = new uint[16];

    // The previous snapshot, which the next delta is written against: its frame, where its game state starts, its acks.
    private byte[]? _baseFrame;
    private int _baseStateOffset;
    private uint[] _baseAcks = new uint[16];
    private int _baseAckCount;
    private long _baseTick;
    private int _nextEntityId = 1;

    public RoomRuntime(IGameRoom game, RoomSettings settings)
    {
        ArgumentNullException.ThrowIfNull(game);
        ArgumentNullException.ThrowIfNull(settings);
        _game = game;
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
        _baseFrame = null;
    }

    /// <summary>Applies new settings and tells the game its tunables; call at a tick boundary.</summary>
    public void ApplySettings(RoomSettings settings, IReadOnlyDictionary<string, double> tunables)
    {
        ArgumentNullException.ThrowIfNull(tunables);
        UpdateSettings(settings);
        _game.OnSettingsChanged(settings, tunables);
    }

    /// <summary>Adds a player and returns their entity id, or null when the room is full.</summary>
    public int? Join()
    {
        if (IsFull)
        {
            return null;
        }
        var slot = new PlayerSlot(_nextEntityId++, Settings.InputQueueCapacity);
        _players.Add(slot);
        _game.OnJoin(slot.EntityId);
        return slot.EntityId;
    }

    /// <summary>Removes a player; false if they were not in the room.</summary>
    public bool Leave(int entityId)
    {
        var index = IndexOf(entityId);
        if (index < 0)
        {
            return false;
        }
        _players.RemoveAt(index);
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
    }

    /// <summary>True when the current tick is one a snapshot is sent for.</summary>
    public bool IsSnapshotTick => Tick % Settings.SnapshotEveryTicks == 0;

    /// <summary>Serializes the snapshot frame of the current state once; the bytes go unchanged to every player.</summary>
    public byte[] WriteSnapshot(uint serverTimeMs) => WriteSnapshots(serverTimeMs).Keyframe;

    /// <summary>
    /// Serializes the current state once in full and, when the game writes deltas and there was a previous snapshot
    /// in this stream, once as the change from that one. Every player gets one of the two, unchanged: the delta if the
    /// previous snapshot reached them, else the full one.
    /// </summary>
    public RoomSnapshot WriteSnapshots(uint serverTimeMs)
    {
        var pairs = _players.Count * 2;
        if (_acks.Length < pairs)
        {
            _acks = new uint[pairs * 2];
        }
        for (var i = 0; i < _players.Count; i++)
        {
            _acks[2 * i] = (uint)_players[i].EntityId;
            _acks[(2 * i) + 1] = _players[i].LastProcessedSeq;
        }
        var acks = _acks.AsSpan(0, pairs);
        _snapshotBuffer.ResetWrittenCount();
        var writer = new MessagePackWriter(_snapshotBuffer);
        SnapshotFormatter.WriteFrameHeader(ref writer, Tick, serverTimeMs, acks);
        writer.Flush();
        var stateOffset = _snapshotBuffer.WrittenCount;
        _game.WriteState(ref writer);
        writer.Flush();
        var keyframe = _snapshotBuffer.WrittenSpan.ToArray();

        byte[]? delta = null;
        var baseTick = 0L;
        if (_baseFrame is not null)
        {
            _deltaBuffer.ResetWrittenCount();
            var deltaWriter = new MessagePackWriter(_deltaBuffer);
            DeltaFormatter.WriteFrameHeader(ref deltaWriter, Tick, _baseTick, serverTimeMs, _baseAcks.AsSpan(0, _baseAckCount), acks);
            if (_game.TryWriteDelta(_baseFrame.AsMemory(_baseStateOffset), ref deltaWriter))
            {
                deltaWriter.Flush();
                delta = _deltaBuffer.WrittenSpan.ToArray();
                baseTick = _baseTick;
            }
        }

        _baseFrame = keyframe;
        _baseStateOffset = stateOffset;
        _baseTick = Tick;
        if (_baseAcks.Length < pairs)
        {
            _baseAcks = new uint[pairs * 2];
        }
        acks.CopyTo(_baseAcks);
        _baseAckCount = pairs;
        return new RoomSnapshot(Tick, keyframe, delta, baseTick);
    }

    /// <summary>Everything needed to continue this room later, possibly in another process: tick, players' progress, game state.</summary>
    public RuntimeCheckpoint SaveCheckpoint()
    {
        var players = new PlayerProgress[_players.Count];
        for (var i = 0; i < players.Length; i++)
        {
            players[i] = new PlayerProgress(_players[i].EntityId, _players[i].LastProcessedSeq);
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        _game.SaveState(ref writer);
        writer.Flush();
        return new RuntimeCheckpoint(Tick, _nextEntityId, players, buffer.WrittenSpan.ToArray());
    }

    /// <summary>
    /// A runtime continuing from <paramref name="checkpoint"/>: same tick, same entities with their last processed input
    /// sequences (so acknowledgements and sequence checks carry on), and the game's saved state. Queued inputs are not kept.
    /// </summary>
    public static RoomRuntime Restore(IGameRoom game, RoomSettings settings, RuntimeCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var runtime = new RoomRuntime(game, settings) { Tick = checkpoint.Tick };
        foreach (var player in checkpoint.Players)
        {
            runtime._players.Add(new PlayerSlot(player.EntityId, settings.InputQueueCapacity) { LastProcessedSeq = player.LastProcessedSeq });
        }
        runtime._nextEntityId = Math.Max(checkpoint.NextEntityId, checkpoint.Players.Select(p => p.EntityId + 1).DefaultIfEmpty(1).Max());
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

/// <summary>One snapshot of a room, serialized once in each form (see <see cref="RoomRuntime.WriteSnapshots"/>).</summary>
/// <param name="Tick">The tick the state results from.</param>
/// <param name="Keyframe">The full <c>Snapshot</c> frame.</param>
/// <param name="Delta">The <c>Delta</c> frame against the snapshot of <paramref name="BaseTick"/>, or null when there is none.</param>
/// <param name="BaseTick">The tick of the previous snapshot, which <paramref name="Delta"/> applies to.</param>
public readonly record struct RoomSnapshot(long Tick, byte[] Keyframe, byte[]? Delta, long BaseTick);

/// <summary>One player's place in a room's input stream.</summary>
public readonly record struct PlayerProgress(int EntityId, uint LastProcessedSeq);

/// <summary>A <see cref="RoomRuntime"/>'s saved state (see <see cref="RoomRuntime.SaveCheckpoint"/>).</summary>
/// <param name="Tick">The tick the state is the result of.</param>
/// <param name="NextEntityId">The entity id the next joining player gets.</param>
/// <param name="Players">Every player's entity and last processed input sequence.</param>
/// <param name="GameState">The game's <see cref="IGameRoom.SaveState"/> bytes.</param>
public sealed record RuntimeCheckpoint(long Tick, int NextEntityId, PlayerProgress[] Players, byte[] GameState);
