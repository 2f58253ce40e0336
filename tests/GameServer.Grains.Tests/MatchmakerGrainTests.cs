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
        for (var i = 0; i < 9; i++)
        {
            var roomId = await matchmaker.FindRoom();
            Assert.NotNull(roomId);
            var joined = await fixture.Client.GetGrain<IRoomGrain>(roomId).Join($"mm-{i}");
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
    public async Task AJoinsOlderCount_ArrivingAfterANewerOne_DoesNotFreeASeatTheRoomDoesNotHave()
    {
        // The matchmaker of a room type nobody else uses here, fed the room's updates by hand, out of order.
        var matchmaker = fixture.Client.GetGrain<IMatchmakerGrain>("reorder-" + Guid.NewGuid().ToString("N")[..8]);
        const string roomId = "arena:reordered";
        async Task<int> Players() => (await matchmaker.GetRooms()).SingleOrDefault()?.Players ?? -1;
        await matchmaker.RoomUpdated(roomId, players: 8, capacity: 8, joined: true);
        await Eventually.TrueAsync(async () => await Players() == 8, TimeSpan.FromSeconds(10));

        // Sent before the one above, arriving after it (one-way calls are not ordered): the count must not go back.
        await matchmaker.RoomUpdated(roomId, players: 7, capacity: 8, joined: true);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(8, await Players());
            await Task.Delay(10);
        }

        await matchmaker.RoomUpdated(roomId, players: 7, capacity: 8, joined: false); // a player left: exact again
        await Eventually.TrueAsync(async () => await Players() == 7, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task FindRoom_ForUnknownRoomType_ReturnsNull()
    {
        Assert.Null(await fixture.Client.GetGrain<IMatchmakerGrain>("no-such-game").FindRoom());
    }
}
