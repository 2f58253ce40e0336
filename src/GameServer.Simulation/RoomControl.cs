namespace GameServer.Simulation;

/// <summary>
/// What a game can do to its room besides changing its state: emit events, kick a player, close the room. Given to the
/// game as <see cref="GameRoomContext.Room"/>; callable from any <see cref="IGameRoom"/> hook (the runtime calls them
/// one at a time). Events are numbered room-wide in the order they are emitted and reach their players right after the
/// snapshot of the tick they belong to; kicks and the close take effect at the end of the current tick.
/// </summary>
public sealed class RoomControl
{
    /// <summary>The largest event payload, in bytes.</summary>
    public const int MaxEventBytes = 1024;

    private readonly List<PendingEvent> _pending = new();
    private readonly List<(int EntityId, string Reason)> _kicks = new();

    /// <summary>The sequence number the next event gets (starts at 1; carried on by a restored room).</summary>
    internal long NextEventSeq { get; set; } = 1;

    /// <summary>The tick events emitted now belong to: the one whose snapshot first reflects them.</summary>
    internal long EventTick { get; set; } = 1;

    internal string? CloseReason { get; private set; }

    internal bool HasKicks => _kicks.Count > 0;

    internal IReadOnlyList<PendingEvent> PendingEvents => _pending;

    /// <summary>
    /// Sends <paramref name="payload"/> (one MessagePack value, at most <see cref="MaxEventBytes"/>, e.g. written with
    /// <c>MessagePackSerializer.Serialize</c> or a <c>MessagePackWriter</c>) to <paramref name="target"/> after the
    /// snapshot of the current tick. A player who is disconnected then misses it (see docs/protocol.md, Events).
    /// </summary>
    public void Emit(EventTarget target, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload.Length > MaxEventBytes)
        {
            throw new ArgumentException($"An event payload is one MessagePack value of 1 to {MaxEventBytes} bytes.", nameof(payload));
        }
        _pending.Add(new PendingEvent(NextEventSeq++, EventTick, target, payload.ToArray()));
    }

    /// <summary>Removes the player at the end of the tick; their connection is closed with 4005 and <paramref name="reason"/>.</summary>
    public void Kick(int entityId, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _kicks.Add((entityId, Truncate(reason)));
    }

    /// <summary>Ends the room at the end of the tick (after its snapshot and events); every player gets <c>Left</c> with <paramref name="reason"/>.</summary>
    public void Close(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        CloseReason ??= Truncate(reason);
    }

    internal void AddRestored(PendingEvent pending) => _pending.Add(pending);

    internal void ClearPending() => _pending.Clear();

    /// <summary>The kicks asked for since the last call.</summary>
    internal (int EntityId, string Reason)[] TakeKicks()
    {
        if (_kicks.Count == 0)
        {
            return [];
        }
        var kicks = _kicks.ToArray();
        _kicks.Clear();
        return kicks;
    }

    // A WebSocket close reason holds 123 bytes of UTF-8; 100 characters of reason is plenty for a person to read.
    private static string Truncate(string reason) => reason.Length <= 100 ? reason : reason[..100];
}

/// <summary>An event waiting for its tick's snapshot.</summary>
internal readonly record struct PendingEvent(long Seq, long Tick, EventTarget Target, byte[] Payload);
