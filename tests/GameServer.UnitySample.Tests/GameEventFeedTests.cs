using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using GameServer.Client;
using GameServer.Protocol;
using GameServer.Testing;
using GameServer.UnityClient;
using MessagePack;
using Xunit;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// The sample's <see cref="GameEventFeed"/> on the SDK with the sample's own options (queued events), against a
    /// <see cref="ScriptedServer"/> on real sockets: the arena emits no events, so the server's answers are scripted.
    /// </summary>
    [CheckLogs]
    public sealed class GameEventFeedTests
    {
        [Fact]
        public async Task GameEventsAndTheRole_AreForwardedInsideTheDrain_OnceEachInOrder_AndTheRoleClearsWhenTheRoomEnds()
        {
            var endRoom = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var server = await ScriptedServer.StartAsync(async (connection, _) =>
            {
                Assert.IsType<Join>(await connection.ReceiveAsync());
                await connection.SendAsync(new Welcome("p-test", "tag:one", "tag", 4, 20, 1, 10, "t1", 8, ReconnectGraceSeconds: 30, Role: "blue", View: 2));
                await connection.SendSnapshotAsync(11, 4, 0);
                await connection.SendAsync(new Events(11, new[] { Event(1, 10, "welcome"), Event(2, 11, "swap") }));
                await connection.SendSnapshotAsync(12, 4, 0);
                await connection.SendAsync(new Events(12, new[] { Event(2, 11, "swap"), Event(3, 12, "tag") }));
                await endRoom.Task;
                await connection.SendAsync(new Left("tag:one", "room-ended", "Blue wins."));
                await connection.DrainUntilClosedAsync();
            });
            await using var client = new GameClient(ArenaClientOptions.Create("unused-by-the-scripted-server", tokenInQuery: false));
            var feed = new GameEventFeed(client, recentCapacity: 2);
            var forwarded = new List<string>();
            var roles = new List<string?>();
            var outsideDrain = 0;
            feed.GameEventReceived += e =>
            {
                outsideDrain += GameLoop.IsDraining ? 0 : 1;
                forwarded.Add(e.Seq + " " + MessagePackSerializer.Deserialize<string>(e.Payload));
            };
            feed.RoleChanged += role =>
            {
                outsideDrain += GameLoop.IsDraining ? 0 : 1;
                roles.Add(role);
            };
            await client.ConnectAsync(server.WebSocketUri);

            _ = client.JoinAsync("tag", null, new Dictionary<string, string> { ["team"] = "blue" });
            await Wait.UntilAsync(() => client.GameEventsReceived == 3, "three events arrive in the background");
            Assert.Empty(forwarded); // nothing before the game loop drains
            await GameLoop.RunUntilAsync(() => forwarded.Count == 3, "the drain forwards the events", client);

            Assert.Equal(new[] { "1 welcome", "2 swap", "3 tag" }, forwarded);
            Assert.Equal(new[] { 2L, 3L }, feed.Recent.Select(e => e.Seq).ToArray());
            Assert.Equal(3, feed.Received);
            Assert.Equal("blue", feed.Role);
            Assert.Equal(2, feed.View);
            Assert.Equal(new string?[] { "blue" }, roles);

            endRoom.SetResult(true);
            await GameLoop.RunUntilAsync(() => roles.Count == 2, "the room ends and the role clears", client);

            Assert.Null(feed.Role);
            Assert.Equal(0, feed.View);
            Assert.Null(roles[1]);
            Assert.Empty(feed.Recent);
            Assert.Equal(0, outsideDrain);
        }

        private static GameEvent Event(long seq, long tick, string what) => new GameEvent(seq, tick, MessagePackSerializer.Serialize(what));
    }
}
