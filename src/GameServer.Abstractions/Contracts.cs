namespace GameServer.Abstractions;

/// <summary>Why a join did or did not succeed.</summary>
public enum JoinStatus
{
    Joined = 0,
    RoomFull = 1,
    UnknownRoomType = 2,
}

/// <summary>The outcome of <see cref="IRoomGrain.Join"/>; on success, what the player needs to know to play.</summary>
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
    string ResumeToken);

/// <summary>One player's input as the edge forwards it.</summary>
[GenerateSerializer, Immutable, Alias("gs.PlayerInput")]
public readonly record struct PlayerInput(int EntityId, uint Seq, long ClientTick, byte[] Payload);

/// <summary>All of one edge's inputs for one room since its previous batch.</summary>
[GenerateSerializer, Immutable, Alias("gs.InputBatch")]
public sealed record InputBatch(PlayerInput[] Inputs);

/// <summary>A serialized snapshot frame (<c>[11, body]</c>) and its tick.</summary>
[GenerateSerializer, Immutable, Alias("gs.SnapshotFrame")]
public sealed record SnapshotFrame(long Tick, byte[] Bytes);

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
    RoomConfigPatch Overrides);

/// <summary>A room's measured numbers over the last couple of seconds, for the designer's page.</summary>
/// <param name="TickRateHz">Ticks actually run per second.</param>
/// <param name="TickDurationP50Ms">Median time one tick callback took (inputs, steps, snapshot).</param>
/// <param name="TickDurationP99Ms">99th percentile of the same.</param>
/// <param name="SnapshotBytesPerSecond">Snapshot bytes produced per second (before fan-out to players).</param>
[GenerateSerializer, Immutable, Alias("gs.RoomLiveStats")]
public sealed record RoomLiveStats(double TickRateHz, double TickDurationP50Ms, double TickDurationP99Ms, double SnapshotBytesPerSecond);

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
