using GameServer.Abstractions;
using GameServer.Simulation.Games.Arena;

namespace GameServer.Grains.Tests;

[Collection(ClusterCollection.Name)]
[CheckLogs]
public sealed class MatchmakerGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task FindRoom_NinthArenaPlayer_GetsANewRoom()
    {
        // A fresh matchmaker key per test run would need another room type; instead start from whatever the shared
        // arena matchmaker has and fill the room it hands out next.
        var matchmaker = fixture.Client.GetGrain<IMatchmakerGrain>(ArenaGame.Type);
        var rooms = new List<string>();
        var run = Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 9; i++)
        {
            var roomId = (await matchmaker.FindRoom($"mm-{run}-{i}", null)).RoomId;
            Assert.NotNull(roomId);
            var joined = await fixture.Client.GetGrain<IRoomGrain>(roomId).Join($"mm-{run}-{i}");
            Assert.Equal(JoinStatus.Joined, joined.Status);
            rooms.Add(roomId);
        }

        // Rooms fill to 8 before another opens: the ids change exactly once if we started in an empty room, and the
        // last room holds the ninth player; in every case no room got more than 8 of these players.
        Assert.All(rooms.GroupBy(r => r), g => Assert.InRange(g.Count(), 1, 8));
        var occupancy = await matchmaker.GetRooms();
        Assert.All(occupancy, o => Assert.InRange(o.Players, 0, 8));
        var firstRoom = await fixture.Client.GetGrain<IRoomGrain>(rooms[0]).GetInfo();
        var lastRoom = await fixture.Client.GetGrain<IRoomGrain>(rooms[8]).GetInfo();
        Assert.NotEqual(rooms[0], rooms[8]);
        Assert.Equal(8, firstRoom.Players);
        Assert.InRange(lastRoom.Players, 1, 8);
    }

    [Fact]
    public async Task AnOlderStatus_ArrivingAfterANewerOne_IsIgnored_AndARestoredRoomsFirstStatusCounts()
    {
        // The matchmaker of a room type nobody else uses here, fed the room's statuses by hand, out of order.
        var matchmaker = fixture.Client.GetGrain<IMatchmakerGrain>("reorder-" + Guid.NewGuid().ToString("N")[..8]);
        const string roomId = "arena:reordered";
        string[] Players(int n) => [.. Enumerable.Range(0, n).Select(i => $"p{i}")];
        async Task<int> Seated() => (await matchmaker.GetRooms()).SingleOrDefault()?.Players ?? -1;
        await matchmaker.RoomUpdated(new RoomStatus(roomId, Activation: 1, Sequence: 2, Players(8), Capacity: 8));
        await Eventually.TrueAsync(async () => await Seated() == 8, TimeSpan.FromSeconds(10));

        // Sent before the one above, arriving after it (one-way calls are not ordered): the count must not go back.
        await matchmaker.RoomUpdated(new RoomStatus(roomId, 1, 1, Players(7), 8));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(8, await Seated());
            await Task.Delay(10);
        }

        await matchmaker.RoomUpdated(new RoomStatus(roomId, 1, 3, Players(7), 8)); // a player left: exact again
        await Eventually.TrueAsync(async () => await Seated() == 7, TimeSpan.FromSeconds(10));
        // The room restored on another silo counts anew from 1.
        await matchmaker.RoomUpdated(new RoomStatus(roomId, 2, 1, Players(5), 8));
        await Eventually.TrueAsync(async () => await Seated() == 5, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task FindRoom_ForAPlayerWithASeatOrAReservation_ReturnsThatRoom_WithoutReservingAnotherSeat()
    {
        var matchmaker = fixture.Client.GetGrain<IMatchmakerGrain>(ArenaGame.Type);
        var player = "seated-" + Guid.NewGuid().ToString("N")[..8];
        var reserved = (await matchmaker.FindRoom(player, null)).RoomId!;
        async Task<RoomOccupancy> Occupancy() => (await matchmaker.GetRooms()).Single(r => r.RoomId == reserved);
        var before = await Occupancy();

        // On the way (a second tab joining at once): the same room, the same single reservation.
        Assert.Equal(reserved, (await matchmaker.FindRoom(player, null)).RoomId);
        Assert.Equal(before, await Occupancy());

        // Seated: still that room, even when another room would be first in line.
        Assert.Equal(JoinStatus.Joined, (await fixture.Client.GetGrain<IRoomGrain>(reserved).Join(player)).Status);
        await Eventually.TrueAsync(async () => (await Occupancy()).Reserved == before.Reserved - 1, TimeSpan.FromSeconds(10));
        Assert.Equal(reserved, (await matchmaker.FindRoom(player, null)).RoomId);
        Assert.Equal(before.Reserved - 1, (await Occupancy()).Reserved);

        // The seat's second join hands it over: still one seat.
        var room = fixture.Client.GetGrain<IRoomGrain>(reserved);
        var players = (await room.GetInfo()).Players;
        Assert.Equal(JoinStatus.Joined, (await room.Join(player)).Status);
        Assert.Equal(players, (await room.GetInfo()).Players);
    }

    [Fact]
    public async Task FindRoom_ForUnknownRoomType_IsRefused()
    {
        var ticket = await fixture.Client.GetGrain<IMatchmakerGrain>("no-such-game").FindRoom("p1", null);

        Assert.Equal((TicketStatus.UnknownRoomType, null), (ticket.Status, ticket.RoomId));
    }
}
