using Orleans.Concurrency;

namespace GameServer.Abstractions;

/// <summary>Join-or-create matchmaking for one room type (the grain key): fills a room to capacity, then opens another.</summary>
[Alias("gs.IMatchmakerGrain")]
public interface IMatchmakerGrain : IGrainWithStringKey
{
    /// <summary>Reserves a seat and returns the room id to join, or null when no game has this room type.</summary>
    Task<string?> FindRoom();

    /// <summary>A room's player count changed; <paramref name="joined"/> consumes one reservation.</summary>
    [OneWay]
    Task RoomUpdated(string roomId, int players, int capacity, bool joined);

    /// <summary>A room was full when a reserved player arrived; stop sending players there until it reports a leave.</summary>
    Task RoomFull(string roomId);

    [OneWay]
    Task RoomClosed(string roomId);

    /// <summary>The open rooms and their occupancy (players plus pending reservations).</summary>
    Task<IReadOnlyList<RoomOccupancy>> GetRooms();
}
