using System.Collections.Concurrent;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using GameServer.Clustering;
using GameServer.Grains;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace GameServer.Cluster.Tests;

/// <summary>Redis, two silos and two edges as separate processes: any edge serves any room.</summary>
[Collection(ClusterCollection.Name)]
[CheckLogs]
// Seen once in five runs while other builds shared the two cores: as the cluster starts, a silo's first probe to the
// other times out. (A readiness probe that finds an edge not ready yet logs nothing: ReadinessLog reports changes.)
[AllowLog("Orleans.Runtime.MembershipService.SiloHealthMonitor", 100613, "a probe between silos starting together on a busy machine times out")]
public sealed class ClusterSmokeTests(ITestOutputHelper output)
{
    private const string ArenaGame = "arena";

    [Fact]
    public async Task PlayersOnDifferentEdges_JoiningArena_ShareARoomAndSeeEachOther()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 2, output);
        await cluster.ExplainFailuresAsync(async () =>
        {
            await using var alice = cluster.NewClient("alice");
            await using var bob = cluster.NewClient("bob");
            var aliceView = new ConcurrentQueue<Snapshot>();
            var bobView = new ConcurrentQueue<Snapshot>();
            alice.SnapshotReceived += aliceView.Enqueue;
            bob.SnapshotReceived += bobView.Enqueue;
            await alice.ConnectAsync(cluster.Edges[0].WebSocketUri);
            await bob.ConnectAsync(cluster.Edges[1].WebSocketUri);

            var aliceWelcome = await alice.JoinAsync(ArenaGame);
            await Wait.UntilAsync(() => !aliceView.IsEmpty, "alice gets snapshots through edge 1");
            var bobWelcome = await bob.JoinAsync(ArenaGame);

            Assert.Equal(aliceWelcome.RoomId, bobWelcome.RoomId);
            Assert.NotEqual(aliceWelcome.EntityId, bobWelcome.EntityId);
            int[] both = [aliceWelcome.EntityId, bobWelcome.EntityId];
            await Wait.UntilAsync(() => SeesAll(aliceView, both), "alice (edge 1) sees both players");
            await Wait.UntilAsync(() => SeesAll(bobView, both), "bob (edge 2) sees both players");

            // Started with an empty home, as in a fresh container, no host made a data-protection key ring there (it would
            // warn that the key is stored unencrypted; nothing in the server protects data with it).
            foreach (var host in new[] { "silo-1", "silo-2", "edge-1", "edge-2" })
            {
                Assert.False(Directory.Exists(Path.Combine(cluster.WorkDirectory, "home-" + host, ".aspnet")), $"{host} wrote ~/.aspnet");
            }
        });
    }

    [Fact]
    public async Task APlayerJoiningAgainThroughAnotherEdge_TakesTheirSeatOver_AndTheFirstConnectionIsClosedWith4004()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 2, output);
        await cluster.ExplainFailuresAsync(async () =>
        {
            await using var aliceFirst = cluster.NewClient("alice");
            await using var bob = cluster.NewClient("bob");
            int? firstClose = null;
            aliceFirst.Closed += (status, _) => firstClose = (int?)status;
            var bobView = new ConcurrentQueue<Snapshot>();
            bob.SnapshotReceived += bobView.Enqueue;
            await aliceFirst.ConnectAsync(cluster.Edges[0].WebSocketUri);
            await bob.ConnectAsync(cluster.Edges[1].WebSocketUri);
            var first = await aliceFirst.JoinAsync(ArenaGame);
            var bobWelcome = await bob.JoinAsync(ArenaGame);

            // Alice again, with a token of her own, through the other edge: the room hands her the seat she has.
            await using var aliceSecond = cluster.NewClient("alice");
            await aliceSecond.ConnectAsync(cluster.Edges[1].WebSocketUri);
            var second = await aliceSecond.JoinAsync(ArenaGame);

            Assert.Equal((first.RoomId, first.EntityId), (second.RoomId, second.EntityId));
            await Wait.UntilAsync(() => firstClose == CloseCode.SessionTakenOver, "alice's first connection (edge 1) is closed with 4004");
            Assert.Equal(0, aliceFirst.Reconnects);
            await aliceSecond.SendInputAsync(new ArenaInput(1, 0).ToPayload());
            await Wait.UntilAsync(() => aliceSecond.LastAckedSeq == 1, "alice's new connection (edge 2) plays: its first input is acknowledged");
            // Bob still sees two players, never three.
            var later = bobView.Count;
            await Wait.UntilAsync(() => bobView.Count >= later + 5, "bob keeps getting snapshots");
            Assert.All(bobView.Skip(later), s => Assert.Equal(2, ArenaState.Read(s.GameState).Length));
            Assert.NotEqual(first.EntityId, bobWelcome.EntityId);
        });
    }

    [Fact]
    public async Task ARoomsCheckpoint_LivesInRedisWithAnExpiry_AndIsDeletedWhenTheRoomCloses()
    {
        var siloSettings = new Dictionary<string, string?>
        {
            ["Cluster__CheckpointExpiryMinutes"] = "5",
            ["Rooms__arena__EmptyRoomGraceSeconds"] = "1",
        };
        await using var cluster = await ClusterProcesses.StartAsync(silos: 1, edges: 1, output, siloSettings);
        await cluster.ExplainFailuresAsync(async () =>
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnectionString);
            var database = redis.GetDatabase();
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            await using var player = cluster.NewClient();
            await player.ConnectAsync(cluster.Edges[0].WebSocketUri);
            var welcome = await player.JoinAsync(ArenaGame);

            RedisKey? checkpoint = null;
            await Wait.UntilAsync(() =>
            {
                checkpoint = server.Keys(pattern: "*/checkpoint").Select(k => (RedisKey?)k)
                    .FirstOrDefault(k => k.ToString()!.Contains(welcome.RoomId, StringComparison.Ordinal));
                return checkpoint is not null;
            }, "the room's checkpoint is written to Redis");
            output.WriteLine($"checkpoint key: {checkpoint}");
            var expiry = await database.KeyTimeToLiveAsync(checkpoint!.Value);
            Assert.NotNull(expiry);
            Assert.InRange(expiry.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));

            await player.LeaveAsync();
            await Wait.UntilAsync(async () => !await database.KeyExistsAsync(checkpoint.Value), "the closed room's checkpoint is deleted, not left empty");
        });
    }

    [Fact]
    public void TheClusterRegistersTheStorageTheRoomGrainsUse()
    {
        Assert.Equal(RoomStorage.Settings, ClusterExtensions.RoomStorageName);
        Assert.Equal(RoomStorage.Checkpoints, ClusterExtensions.CheckpointStorageName);
    }

    [Fact]
    public async Task RedisRestart_TheClusterKeepsServingNewPlayers()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 1, output);
        await cluster.ExplainFailuresAsync(async () =>
        {
            await using var before = cluster.NewClient();
            await before.ConnectAsync(cluster.Edges[0].WebSocketUri);
            await before.JoinAsync(ArenaGame);

            await cluster.RestartRedisAsync(downtime: TimeSpan.FromSeconds(2));

            await using var after = cluster.NewClient();
            await after.ConnectAsync(cluster.Edges[0].WebSocketUri);
            var welcome = await after.JoinAsync(ArenaGame);
            await Wait.UntilAsync(() => after.SnapshotsReceived > 0, "the player joining after the restart gets snapshots");
            Assert.False(string.IsNullOrEmpty(welcome.RoomId));
            Assert.All(cluster.Silos, silo => Assert.False(silo.Process.HasExited, $"{silo.Name} exited during the Redis restart."));
        });
    }

    private static bool SeesAll(ConcurrentQueue<Snapshot> view, int[] entityIds) =>
        view.LastOrDefault() is { } snapshot
        && entityIds.All(id => ArenaState.Read(snapshot.GameState).Any(e => e.EntityId == id));
}
