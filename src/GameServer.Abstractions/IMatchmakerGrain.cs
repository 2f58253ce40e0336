using Orleans.Concurrency;

namespace GameServer.Abstractions;

/// <summary>
/// Join-or-create matchmaking for one room type (the grain key): fills a room to capacity, then opens another. Holds a
/// player to one seat per room type: a player who already sits in (or is on the way to) a room of this type is sent
/// back to that room, which then hands the seat to the new connection.
/// </summary>
[Alias("gs.IMatchmakerGrain")]
public interface IMatchmakerGrain : IGrainWithStringKey
{
    /// <summary>
    /// The room for <paramref name="playerId"/>: the one they already have a seat in, or one with a free seat (reserved
    /// for them), or a new one. Null when no game has this room type.
    /// </summary>
    Task<string?> FindRoom(string playerId);

    /// <summary>A room's seats changed, or its periodic status: who sits there and its capacity. Consumes the reservations of players now seated.</summary>
    [OneWay]
    Task RoomUpdated(RoomStatus status);

    /// <summary>A room was full when a reserved player arrived; stop sending players there until it reports a leave.</summary>
    Task RoomFull(string roomId);

    [OneWay]
    Task RoomClosed(string roomId);

    /// <summary>The open rooms and their occupancy (players plus pending reservations).</summary>
    Task<IReadOnlyList<RoomOccupancy>> GetRooms();
}
