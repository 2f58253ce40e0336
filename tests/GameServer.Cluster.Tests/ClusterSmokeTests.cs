using System.Collections.Concurrent;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using Xunit.Abstractions;

namespace GameServer.Cluster.Tests;

/// <summary>Redis, two silos and two edges as separate processes: any edge serves any room.</summary>
[Collection(ClusterCollection.Name)]
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
        });
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
