namespace GameServer.Protocol;

/// <summary>
/// A frame the server sends: a MessagePack array <c>[type, body]</c>. A message's body is the array of its parameters in
/// declaration order; <see cref="MessageCodec"/> reads and writes it by hand, so a new field is appended (never
/// inserted or reordered) here and in <c>ServerMessageFormat</c> together.
/// </summary>
public abstract record ServerMessage;

/// <summary>The answer to <see cref="Join"/>: who you are and how the room ticks.</summary>
/// <param name="PlayerId">The player's id (server-assigned until authentication exists).</param>
/// <param name="RoomId">The room joined, e.g. <c>"arena:5f2c0a"</c>.</param>
/// <param name="RoomType">The room's type, e.g. <c>"arena"</c>.</param>
/// <param name="EntityId">The player's entity id in snapshots (unique within the room).</param>
/// <param name="TickRateHz">Simulation ticks per second (default 20).</param>
/// <param name="SnapshotEveryTicks">A snapshot is sent every this many ticks (default 1).</param>
/// <param name="CurrentTick">The room's tick when the player joined.</param>
/// <param name="ResumeToken">Secret, opaque token for <see cref="Resume"/> after a disconnect; bound to this player and room, replaced by every welcome.</param>
/// <param name="MaxPlayers">The room's capacity.</param>
/// <param name="Resumed">True when this answers a <see cref="Resume"/>: the same entity, the input sequence continues.</param>
/// <param name="ReconnectGraceSeconds">How long the room keeps the seat after a disconnect; resume within it.</param>
/// <param name="RoomCode">A private room's code, for friends to join by (<see cref="JoinByCode"/>); null for a public room.</param>
/// <param name="Properties">The room's values of its type's declared properties (e.g. <c>mode</c>); null when the type declares none.</param>
/// <param name="Role">The role or team the game gave the player when it admitted them (e.g. <c>"red"</c>); null for none.</param>
/// <param name="View">The view group whose state the player is sent (hidden information); 0 in games where everyone sees everything.</param>
public sealed record Welcome(
    string PlayerId,
    string RoomId,
    string RoomType,
    int EntityId,
    int TickRateHz,
    int SnapshotEveryTicks,
    long CurrentTick,
    string ResumeToken,
    int MaxPlayers,
    bool Resumed = false,
    int ReconnectGraceSeconds = 0,
    string? RoomCode = null,
    IReadOnlyDictionary<string, string>? Properties = null,
    string? Role = null,
    int View = 0) : ServerMessage;

/// <summary>
/// The room's authoritative state after a tick. Serialized once per room per tick and sent as the same bytes to every player.
/// </summary>
/// <param name="Tick">The tick this state is the result of.</param>
/// <param name="ServerTimeMs">Milliseconds since the room started, by the room's clock.</param>
/// <param name="Acks">Every player's last processed input sequence, flattened <c>[entityId, seq, entityId, seq, …]</c>.</param>
/// <param name="GameState">The game's state, one MessagePack value embedded as-is; layout defined by the game (arena: see docs/protocol.md).</param>
public sealed record Snapshot(long Tick, uint ServerTimeMs, ReadOnlyMemory<uint> Acks, ReadOnlyMemory<byte> GameState) : ServerMessage
{
    /// <summary>The last input sequence the room processed for <paramref name="entityId"/>, or 0 if none or absent.</summary>
    public uint AckFor(int entityId)
    {
        var acks = Acks.Span;
        for (var i = 0; i + 1 < acks.Length; i += 2)
        {
            if (acks[i] == (uint)entityId)
            {
                return acks[i + 1];
            }
        }
        return 0;
    }
}

/// <summary>The answer to <see cref="Ping"/>.</summary>
/// <param name="ClientTimeMs">The client's value, echoed.</param>
/// <param name="ServerTimeMs">The server's Unix time in milliseconds when it answered.</param>
public sealed record Pong(double ClientTimeMs, long ServerTimeMs) : ServerMessage;

/// <summary>Something the client sent was refused; see <see cref="ErrorCode"/>. Some errors are followed by a close.</summary>
/// <param name="Code">One of <see cref="ErrorCode"/>.</param>
/// <param name="Message">A human-readable reason naming what was wrong.</param>
public sealed record Error(int Code, string Message) : ServerMessage;

/// <summary>The player is no longer in a room (after <see cref="Leave"/>, or when the room closed).</summary>
/// <param name="RoomId">The room left.</param>
/// <param name="Reason">Why: <c>"left"</c>, <c>"room-closed"</c>, <c>"room-ended"</c> (the game ended the room).</param>
/// <param name="Message">For <c>"room-ended"</c>, the game's words (e.g. <c>"Red wins 5–3."</c>); null otherwise.</param>
public sealed record Left(string RoomId, string Reason, string? Message = null) : ServerMessage;

/// <summary>
/// The room's tick settings changed (a designer tuned them live): from <see cref="Tick"/> on, ticks and snapshots come
/// at the new rates. Clients re-time interpolation and input sending; nothing else changes (same room, same entity).
/// </summary>
/// <param name="Tick">The first tick run with the new settings.</param>
/// <param name="TickRateHz">Simulation ticks per second.</param>
/// <param name="SnapshotEveryTicks">A snapshot is sent every this many ticks.</param>
/// <param name="MaxPlayers">The room's capacity for new joins.</param>
public sealed record SettingsChanged(
    long Tick,
    int TickRateHz,
    int SnapshotEveryTicks,
    int MaxPlayers) : ServerMessage;

/// <summary>
/// gameserver.v2: the snapshot of <see cref="Tick"/> written as the change from the snapshot of <see cref="BaseTick"/>,
/// the last one the server sent this connection. Applied to that snapshot (<see cref="DeltaFormatter.Apply"/>) it gives
/// exactly the <see cref="Snapshot"/> the room wrote for <see cref="Tick"/>.
/// </summary>
/// <param name="Tick">The tick this state results from.</param>
/// <param name="BaseTick">The tick of the snapshot this applies to: the last one sent on this connection.</param>
/// <param name="ServerTimeMs">As <see cref="Snapshot.ServerTimeMs"/>.</param>
/// <param name="Acks">How every player's last processed input sequence changed.</param>
/// <param name="GameDelta">The game's change of its state, one MessagePack value embedded raw (arena: <see cref="Arena.ArenaDelta"/>).</param>
public sealed record Delta(long Tick, long BaseTick, uint ServerTimeMs, AckDelta Acks, ReadOnlyMemory<byte> GameDelta) : ServerMessage;

/// <summary>
/// The acks of a <see cref="Delta"/>, <c>[step, changes, removed]</c>: every player of the base snapshot's acks advances
/// by <see cref="Step"/>, except those in <see cref="Changes"/> (flat pairs <c>entityId, signed change</c>; a player not
/// in the base starts from 0 and is appended) and those in <see cref="Removed"/> (gone).
/// </summary>
public readonly record struct AckDelta(uint Step, ReadOnlyMemory<long> Changes, ReadOnlyMemory<uint> Removed);

/// <summary>
/// The game's events for one player since the previous snapshot (a kill, a goal, a chat line, "round over"), sent right
/// after the snapshot of <see cref="Tick"/>. Events are numbered room-wide in the order the game emitted them; a player
/// receives the ones meant for everyone, for their view and for them, each once, in that order.
/// </summary>
/// <param name="Tick">The tick of the snapshot these follow.</param>
/// <param name="Items">The events, in increasing <see cref="GameEvent.Seq"/>.</param>
public sealed record Events(long Tick, IReadOnlyList<GameEvent> Items) : ServerMessage;

/// <summary>One game event.</summary>
/// <param name="Seq">Room-wide event number, from 1; a restored room carries the count on (see docs/protocol.md, Events).</param>
/// <param name="Tick">The tick the event happened in; its snapshot is at or before <see cref="Events.Tick"/>.</param>
/// <param name="Payload">The game's event, one MessagePack value embedded as-is.</param>
public readonly record struct GameEvent(long Seq, long Tick, ReadOnlyMemory<byte> Payload);
