using Orleans.Concurrency;

namespace GameServer.Abstractions;

/// <summary>
/// One game room's authoritative state, ticking at a fixed rate. Keyed by room id <c>"{roomType}:{suffix}"</c>.
/// </summary>
[Alias("gs.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>Adds a player; the room starts ticking with its first player.</summary>
    Task<JoinResult> Join(string playerId);

    /// <summary>Removes a player's entity.</summary>
    Task Leave(int entityId);

    /// <summary>
    /// An edge's inputs for this room since its last batch: one call per room per tick, not per input. One-way: the
    /// inputs carry sequence numbers, so reordering between batches is harmless.
    /// </summary>
    [OneWay]
    Task SubmitInputs(InputBatch batch);

    /// <summary>Registers an edge to receive this room's snapshots. Subscriptions expire; re-subscribe periodically.</summary>
    Task Subscribe(IRoomObserver observer);

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
}
