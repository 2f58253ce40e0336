using Orleans.Concurrency;

namespace GameServer.Abstractions;

/// <summary>An edge's single subscription to a room: one call per snapshot for all of that edge's players in the room.</summary>
[Alias("gs.IRoomObserver")]
public interface IRoomObserver : IGrainObserver
{
    /// <summary>A serialized snapshot frame, sent as-is to every local player of the room.</summary>
    [OneWay]
    Task OnSnapshot(SnapshotFrame frame);

    /// <summary>The room's tick rate, snapshot rate or capacity changed at <see cref="RoomSettingsNotice.Tick"/>.</summary>
    [OneWay]
    Task OnSettingsChanged(RoomSettingsNotice notice);

    /// <summary>A seat was resumed (generation <paramref name="generation"/>); a session holding an older generation is stale.</summary>
    [OneWay]
    Task OnSeatResumed(int entityId, int generation);

    /// <summary>The room is moving to another silo (its silo is shutting down): re-subscribe now to follow it.</summary>
    [OneWay]
    Task OnRoomMoving(string roomId);

    /// <summary>The room closed; its players are no longer in it. <paramref name="reason"/> is the game's when the game ended it, else null.</summary>
    [OneWay]
    Task OnRoomClosed(string roomId, string? reason = null);

    /// <summary>The game removed the player of <paramref name="entityId"/> (seat generation <paramref name="generation"/> or older) for <paramref name="reason"/>.</summary>
    [OneWay]
    Task OnKicked(int entityId, int generation, string reason);
}
