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
    /// The room for <paramref name="playerId"/>: the one they already have a seat in, or a public one with a free seat and
    /// the same <paramref name="criteria"/> (reserved for them), or a new one with them.
    /// </summary>
    /// <param name="playerId">The player (the token's subject).</param>
    /// <param name="criteria">Values of the type's declared properties; those not named are at their defaults.</param>
    Task<RoomTicket> FindRoom(string playerId, Dictionary<string, string>? criteria);

    /// <summary>
    /// A new room for <paramref name="playerId"/> to open (<see cref="IRoomGrain.Open"/>), public or private; a private
    /// one gets a code that leads to it (<see cref="IRoomCodeGrain"/>) and never receives matchmade players.
    /// </summary>
    Task<RoomTicket> CreateRoom(string playerId, bool isPrivate, Dictionary<string, string>? properties);

    /// <summary>
    /// Open public rooms with a free seat, oldest first, whose properties match <paramref name="filter"/>; a page of
    /// <paramref name="limit"/> from <paramref name="offset"/>. From the matchmaker's memory: no room is called.
    /// </summary>
    Task<LobbyPage> ListRooms(Dictionary<string, string>? filter, int offset, int limit);

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
