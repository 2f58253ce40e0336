using Orleans.Concurrency;

namespace GameServer.Abstractions;

/// <summary>
/// One game room's authoritative state, ticking at a fixed rate. Keyed by room id <c>"{roomType}:{suffix}"</c>.
/// </summary>
[Alias("gs.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a player the game admits with <paramref name="joinOptions"/> (one MessagePack value the game defines, or
    /// null); the room starts ticking with its first player.
    /// </summary>
    Task<JoinResult> Join(string playerId, byte[]? joinOptions = null);

    /// <summary>
    /// Like <see cref="Join"/>, for the player who opens a new room (a matchmaker's <see cref="RoomTicket"/>): a room
    /// nobody has joined yet takes <paramref name="options"/> (private, code, properties); one already open keeps its own.
    /// </summary>
    Task<JoinResult> Open(string playerId, RoomOptions options, byte[]? joinOptions = null);

    /// <summary>Like <see cref="Join"/> for a friend with the room's code; <see cref="JoinStatus.CodeUnknown"/> unless the room holds <paramref name="code"/>.</summary>
    Task<JoinResult> JoinByCode(string playerId, string code, byte[]? joinOptions = null);

    /// <summary>
    /// Takes back <paramref name="playerId"/>'s seat with the resume token from their last join or resume: same entity,
    /// input sequence continuing, a new token and generation. Edges holding an older generation of the seat are told
    /// (<see cref="IRoomObserver.OnSeatResumed"/>) so they close that stale connection.
    /// </summary>
    Task<JoinResult> Resume(string playerId, string resumeToken);

    /// <summary>The player left on purpose: removes their entity at once.</summary>
    Task Leave(int entityId);

    /// <summary>
    /// The player's connection dropped: the seat and entity wait for a resume for the room's reconnect grace window.
    /// Ignored when the seat has a newer <paramref name="generation"/> (already resumed elsewhere).
    /// </summary>
    Task Disconnect(int entityId, int generation);

    /// <summary>
    /// An edge's inputs for this room since its last batch: one call per room per tick, not per input. One-way: the
    /// inputs carry sequence numbers, so reordering between batches is harmless.
    /// </summary>
    [OneWay]
    Task SubmitInputs(InputBatch batch);

    /// <summary>Registers an edge to receive this room's snapshots. Subscriptions expire; re-subscribe periodically.</summary>
    Task Subscribe(IRoomObserver observer);

    /// <summary>
    /// Subscribes or renews <paramref name="observer"/> and tells the room that this edge still serves the seats of
    /// <paramref name="heldEntities"/>. Seats no edge renews for a while count as disconnected (the edge died).
    /// </summary>
    Task Renew(IRoomObserver observer, int[] heldEntities);

    Task Unsubscribe(IRoomObserver observer);

    /// <summary>Live numbers, settings and overrides, for diagnostics, tests and the designer's page.</summary>
    Task<RoomInfo> GetInfo();

    /// <summary>The room type's settings changed (from <see cref="IRoomTypeGrain"/>); applies at the next tick boundary.</summary>
    Task ApplyTypeConfig(RoomConfig config);

    /// <summary>
    /// Replaces this room's own overrides (null clears them) after checking the result against the type's settings;
    /// applies at the next tick boundary. Returns the before/after or the refused fields.
    /// </summary>
    Task<SettingsChange> SetOverrides(RoomConfigPatch? overrides);

    /// <summary>
    /// Its silo is shutting down: stop at a tick boundary, save that exact tick and tell the edges to follow the room.
    /// The activation then only waits to be deactivated; the next one, on another silo, continues from the saved tick.
    /// </summary>
    Task PrepareToMove();
}
