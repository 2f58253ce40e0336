using Orleans.Concurrency;

namespace GameServer.Abstractions;

/// <summary>
/// One room type's live settings (grain key: the room type): configuration plus the admin API's overrides, pushed to
/// every running room of the type at its next tick boundary, with an audit trail of who changed what.
/// </summary>
[Alias("gs.IRoomTypeGrain")]
public interface IRoomTypeGrain : IGrainWithStringKey
{
    /// <summary>Configured, overridden and effective settings, field ranges and live rooms; null for an unknown room type.</summary>
    [AlwaysInterleave]
    Task<RoomTypeView?> Get();

    /// <summary>
    /// What a new room of this type starts with; null for an unknown room type. Interleaves: a room activating (or
    /// the matchmaker opening one) must not wait behind a change that is itself waiting on that room or matchmaker.
    /// </summary>
    [AlwaysInterleave]
    Task<RoomConfig?> GetEffective();

    /// <summary>Validates and applies a change to the type; running rooms follow at their next tick.</summary>
    Task<SettingsChange> Update(RoomConfigPatch patch, string who);

    /// <summary>Drops the type's overrides, back to configuration.</summary>
    Task<SettingsChange> Reset(string who);

    /// <summary>Validates and applies a change to one room, on top of the type's settings.</summary>
    Task<SettingsChange> UpdateRoom(string roomId, RoomConfigPatch patch, string who);

    /// <summary>Drops one room's own overrides; it follows the type again.</summary>
    Task<SettingsChange> ResetRoom(string roomId, string who);

    /// <summary>The configuration file changed: recompute and push to the rooms.</summary>
    Task ConfigurationChanged();

    /// <summary>The most recent changes, newest last.</summary>
    [AlwaysInterleave]
    Task<SettingsAuditEntry[]> GetAudit();
}

/// <summary>The room types the silos run (any key; stateless), for tools on clients that have no game catalog.</summary>
[Alias("gs.IGameCatalogGrain")]
public interface IGameCatalogGrain : IGrainWithIntegerKey
{
    Task<string[]> GetRoomTypes();
}
