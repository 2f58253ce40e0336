using GameServer.Abstractions;

namespace GameServer.Grains;

/// <summary>
/// What a room saves to grain storage (about once a second, and when it deactivates) so that a new activation, on any
/// silo, continues the game: the runtime's state, the seats with their resume bookkeeping, and the room's overrides.
/// </summary>
[GenerateSerializer, Alias("gs.RoomCheckpoint")]
internal sealed class RoomCheckpoint
{
    /// <summary>The tick the state is the result of; 0 with no state saved yet.</summary>
    [Id(0)] public long Tick { get; set; }
    [Id(1)] public int NextEntityId { get; set; }
    [Id(2)] public SeatCheckpoint[] Seats { get; set; } = [];
    /// <summary>The game's own saved state (<c>IGameRoom.SaveState</c>).</summary>
    [Id(3)] public byte[] GameState { get; set; } = [];
    [Id(4)] public int Seed { get; set; }
    [Id(5)] public RoomConfigPatch Overrides { get; set; } = new();
    [Id(6)] public DateTimeOffset SavedAt { get; set; }
    /// <summary>The room's clock (snapshots' server time) at the save, so it carries on rather than restarting at 0.</summary>
    [Id(7)] public long ServerTimeMs { get; set; }
    /// <summary>
    /// Saved by a handover (the silo shutting down, a migration) at the room's exact tick rather than by the periodic
    /// save: the next activation continues where the room stopped, which is normal operation, not a recovery.
    /// </summary>
    [Id(8)] public bool HandedOver { get; set; }
    /// <summary>Private or not, the room's code and properties (null in checkpoints from before rooms had them: public, defaults).</summary>
    [Id(9)] public RoomOptions? Options { get; set; }
    /// <summary>The number the room's next game event gets (1 in checkpoints from before events).</summary>
    [Id(10)] public long NextEventSeq { get; set; } = 1;
    /// <summary>Game events emitted after the last snapshot before the save: sent after the restored room's first snapshot.</summary>
    [Id(11)] public EventCheckpoint[] PendingEvents { get; set; } = [];
}

/// <summary>A game event not yet sent when the checkpoint was taken.</summary>
[GenerateSerializer, Immutable, Alias("gs.EventCheckpoint")]
internal sealed record EventCheckpoint(long Seq, long Tick, int Audience, int TargetId, byte[] Payload);

/// <summary>One seat: who sits in it, the secret to resume it, and how long its player has been gone.</summary>
/// <param name="DisconnectedForMs">How long the player had been disconnected when saved; null while connected.</param>
[GenerateSerializer, Immutable, Alias("gs.SeatCheckpoint")]
/// <param name="Role">The role the game gave the player; null for none (or before roles).</param>
/// <param name="View">The view the game admitted the player into.</param>
internal sealed record SeatCheckpoint(int EntityId, uint LastProcessedSeq, string PlayerId, string ResumeToken, int Generation, long? DisconnectedForMs, string? Role = null, int View = 0);
