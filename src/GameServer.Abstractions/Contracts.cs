namespace GameServer.Abstractions;

/// <summary>Why a join did or did not succeed.</summary>
public enum JoinStatus
{
    Joined = 0,
    RoomFull = 1,
    UnknownRoomType = 2,
    /// <summary>Resume: the room has no seat for this player any more (grace window passed, or the room closed).</summary>
    ResumeExpired = 3,
    /// <summary>Resume: the token does not match this player's seat (wrong, or replaced by a later resume).</summary>
    ResumeRejected = 4,
    /// <summary>Join by code: the room does not hold this code (it closed, or was never opened).</summary>
    CodeUnknown = 5,
    /// <summary>The game refused the player (<see cref="JoinResult.Reason"/> says why, in the game's words).</summary>
    Refused = 6,
}

/// <summary>The outcome of <see cref="IRoomGrain.Join"/> or <see cref="IRoomGrain.Resume"/>; on success, what the player needs to know to play.</summary>
/// <param name="Status">Joined, or why not.</param>
/// <param name="RoomId">The room.</param>
/// <param name="RoomType">The room's type.</param>
/// <param name="EntityId">The player's entity in the room's snapshots.</param>
/// <param name="TickRateHz">Simulation ticks per second.</param>
/// <param name="SnapshotEveryTicks">A snapshot every this many ticks.</param>
/// <param name="CurrentTick">The room's tick at the join.</param>
/// <param name="MaxPlayers">The room's capacity.</param>
/// <param name="ResumeToken">Secret for <see cref="IRoomGrain.Resume"/>; replaced by every join or resume.</param>
/// <param name="Generation">Counts resumes of this seat: the edge session holding the newest generation owns the seat.</param>
/// <param name="ReconnectGraceSeconds">How long the seat is kept after a disconnect.</param>
/// <param name="Resumed">True for a resume (same entity, the input sequence continues).</param>
/// <param name="Options">The room's options: private, its code, its properties.</param>
/// <param name="Role">The role or team the game gave the player; null for none.</param>
/// <param name="View">The view group whose snapshots the player gets (hidden information); 0 in public games.</param>
/// <param name="Reason">For <see cref="JoinStatus.Refused"/>, the game's reason.</param>
[GenerateSerializer, Immutable, Alias("gs.JoinResult")]
public sealed record JoinResult(
    JoinStatus Status,
    string RoomId,
    string RoomType,
    int EntityId,
    int TickRateHz,
    int SnapshotEveryTicks,
    long CurrentTick,
    int MaxPlayers,
    string ResumeToken,
    int Generation = 1,
    double ReconnectGraceSeconds = 0,
    bool Resumed = false,
    RoomOptions? Options = null,
    string? Role = null,
    int View = 0,
    string? Reason = null);

/// <summary>One player's input as the edge forwards it.</summary>
/// <param name="EntityId">The entity of the connection's seat.</param>
/// <param name="Seq">The client's input sequence number.</param>
/// <param name="ClientTick">The client's estimate of the server tick when it sent the input.</param>
/// <param name="Payload">The game's input bytes.</param>
/// <param name="Generation">
/// The seat generation of the connection that sent it (<see cref="JoinResult.Generation"/>): after a second connection of
/// the player took the seat over with a Join, the room drops what the older connection sent, whose sequence numbers
/// belong to another count.
/// </param>
[GenerateSerializer, Immutable, Alias("gs.PlayerInput")]
public readonly record struct PlayerInput(int EntityId, uint Seq, long ClientTick, byte[] Payload, int Generation = 0);

/// <summary>All of one edge's inputs for one room since its previous batch.</summary>
[GenerateSerializer, Immutable, Alias("gs.InputBatch")]
public sealed record InputBatch(PlayerInput[] Inputs);

/// <summary>
/// A room's snapshot of one tick, serialized once in full (<c>[11, body]</c>) and, when the game writes deltas, once as
/// the change from the previous snapshot of the same stream (<c>[16, body]</c>, for connections that received that one),
/// both for <see cref="View"/>; a game with hidden information has the same for each of its <see cref="OtherViews"/>.
/// The game's events since the previous snapshot come with it, once per view (<see cref="Events"/>), and once more for
/// each player with events of their own (<see cref="PlayerEvents"/>), each ready to send after the snapshot.
/// </summary>
[GenerateSerializer, Immutable, Alias("gs.SnapshotFrame")]
public sealed record SnapshotFrame(
    long Tick,
    byte[] Bytes,
    byte[]? Delta = null,
    long BaseTick = 0,
    long Stream = 0,
    int View = 0,
    byte[]? Events = null,
    ViewFrame[]? OtherViews = null,
    PlayerEventsFrame[]? PlayerEvents = null)
{
    /// <summary>True when <see cref="Delta"/> applies on a connection whose last snapshot was <paramref name="tick"/> of <paramref name="stream"/>.</summary>
    public bool DeltaFollows(long stream, long tick) => Delta is not null && stream == Stream && tick == BaseTick;

    /// <summary>
    /// What a player in <paramref name="view"/> with <paramref name="entityId"/> is sent: their view's snapshot in both
    /// forms and their events (null for none); null when the snapshot has no such view.
    /// </summary>
    public ViewFrame? For(int view, int entityId) =>
        TryPick(view, entityId, out var bytes, out var delta, out var events) ? new ViewFrame(view, bytes, delta, events) : null;

    /// <summary>
    /// <see cref="For"/> without allocating (the edge calls it for every player and snapshot): the view's full and delta
    /// frames and the player's events (null for none); false when the snapshot has no such view.
    /// </summary>
    public bool TryPick(int view, int entityId, out byte[] bytes, out byte[]? delta, out byte[]? events)
    {
        (bytes, delta, events) = (Bytes, Delta, Events);
        if (view != View)
        {
            var found = false;
            foreach (var other in OtherViews ?? [])
            {
                if (other.View == view)
                {
                    (bytes, delta, events, found) = (other.Bytes, other.Delta, other.Events, true);
                    break;
                }
            }
            if (!found)
            {
                (bytes, delta, events) = (null!, null, null);
                return false;
            }
        }
        foreach (var own in PlayerEvents ?? [])
        {
            if (own.EntityId == entityId)
            {
                events = own.Events.Length == 0 ? null : own.Events;
                break;
            }
        }
        return true;
    }
}

/// <summary>One view's frames of a <see cref="SnapshotFrame"/>.</summary>
/// <param name="View">The view.</param>
/// <param name="Bytes">The full <c>Snapshot</c> frame.</param>
/// <param name="Delta">The <c>Delta</c> frame against the view's previous snapshot, or null.</param>
/// <param name="Events">The <c>Events</c> frame for the view's players, or null.</param>
[GenerateSerializer, Immutable, Alias("gs.ViewFrame")]
public sealed record ViewFrame(int View, byte[] Bytes, byte[]? Delta, byte[]? Events);

/// <summary>
/// The <c>Events</c> frame of a player with events of their own: everything they get this snapshot, in order; empty
/// when they get none now (their events wait until their edge listens).
/// </summary>
[GenerateSerializer, Immutable, Alias("gs.PlayerEventsFrame")]
public sealed record PlayerEventsFrame(int EntityId, byte[] Events);

/// <summary>A room's live numbers.</summary>
[GenerateSerializer, Immutable, Alias("gs.RoomInfo")]
public sealed record RoomInfo(
    string RoomId,
    string RoomType,
    long Tick,
    int Players,
    int MaxPlayers,
    int TickRateHz,
    long SkippedTicks,
    long InputsApplied,
    long InputsRejected,
    long InputsDropped,
    long InputsStale,
    int Observers,
    RoomLiveStats Live,
    RoomConfig Config,
    RoomConfigPatch Overrides,
    RoomRecoveryInfo? Recovery = null);

/// <summary>A room's checkpoint and seat bookkeeping, for diagnostics and tests.</summary>
/// <param name="CheckpointsWritten">Checkpoints this activation saved.</param>
/// <param name="LastCheckpointTick">The tick of the newest saved checkpoint, or -1.</param>
/// <param name="RestoredFromTick">The checkpoint tick this activation continued from, or -1 for a new room.</param>
/// <param name="DisconnectedSeats">Seats whose player is disconnected and inside the grace window.</param>
[GenerateSerializer, Immutable, Alias("gs.RoomRecoveryInfo")]
public sealed record RoomRecoveryInfo(long CheckpointsWritten, long LastCheckpointTick, long RestoredFromTick, int DisconnectedSeats);

/// <summary>A room's measured numbers over the last couple of seconds, for the designer's page.</summary>
/// <param name="TickRateHz">Ticks actually run per second.</param>
/// <param name="TickDurationP50Ms">Median time one tick callback took (inputs, steps, snapshot).</param>
/// <param name="TickDurationP99Ms">99th percentile of the same.</param>
/// <param name="SnapshotBytesPerSecond">Snapshot bytes produced per second (before fan-out to players).</param>
[GenerateSerializer, Immutable, Alias("gs.RoomLiveStats")]
public sealed record RoomLiveStats(double TickRateHz, double TickDurationP50Ms, double TickDurationP99Ms, double SnapshotBytesPerSecond);

/// <summary>
/// What a room tells its type's matchmaker, after every join and leave and every few seconds: who holds its seats
/// (connected or within their reconnect grace) and its capacity. One-way calls may arrive out of order, so a status
/// carries its activation's id and a number that grows within it; the matchmaker keeps the newest.
/// </summary>
/// <param name="RoomId">The room.</param>
/// <param name="Activation">Random per activation of the room grain: a restored room starts a new count.</param>
/// <param name="Sequence">Grows with every status an activation sends.</param>
/// <param name="PlayerIds">The players holding a seat.</param>
/// <param name="Capacity">The room's current maximum of players.</param>
/// <param name="Options">Private or not, and its properties: a matchmaker that lost its memory relearns them.</param>
/// <param name="Metadata">What the game says about the room for the lobby (e.g. <c>phase=waiting</c>).</param>
[GenerateSerializer, Immutable, Alias("gs.RoomStatus")]
public sealed record RoomStatus(string RoomId, long Activation, long Sequence, string[] PlayerIds, int Capacity, RoomOptions? Options = null, Dictionary<string, string>? Metadata = null);

/// <summary>A room as the matchmaker sees it.</summary>
[GenerateSerializer, Immutable, Alias("gs.RoomOccupancy")]
public sealed record RoomOccupancy(string RoomId, int Players, int Reserved, int Capacity);

/// <summary>Room ids are <c>"{roomType}:{suffix}"</c>.</summary>
public static class RoomIds
{
    public static string New(string roomType) => $"{roomType}:{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>Room types are 1–32 of [A-Za-z0-9_-].</summary>
    public static bool IsValidRoomType(string? roomType) =>
        !string.IsNullOrEmpty(roomType) && roomType.Length <= 32 && roomType.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A room id is a valid room type, ':', and 1–64 of [A-Za-z0-9_-].</summary>
    public static bool IsValidRoomId(string? roomId)
    {
        if (string.IsNullOrEmpty(roomId) || roomId.Length > 97)
        {
            return false;
        }
        var type = TypeOf(roomId);
        var suffix = type is null ? "" : roomId[(type.Length + 1)..];
        return IsValidRoomType(type) && suffix.Length is > 0 and <= 64 && suffix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    /// <summary>The room type part of a room id, or null if the id has no ':'.</summary>
    public static string? TypeOf(string roomId)
    {
        var colon = roomId.IndexOf(':');
        return colon > 0 ? roomId[..colon] : null;
    }
}
