using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using Xunit.Abstractions;

namespace GameServer.Cluster.Tests;

/// <summary>
/// Private rooms and the lobby on real processes (redis-server, two silos, two edges): a code made through one edge
/// seats a friend through the other, the lobby of either edge lists what the matchmaker knows, and a code still leads
/// to its room after the room's silo is killed and the room is restored on the survivor.
/// </summary>
[Collection(ClusterCollection.Name)]
[CheckLogs]
[AllowLog("Orleans.Runtime.MembershipService.LocalSiloHealthMonitor", 86528487, "the silo reports that the machine stalled")]
[AllowLog("Orleans.Runtime.MembershipService.LocalSiloHealthMonitor", 1961930485, "the silo rates its health down for that stall")]
[AllowLog("Orleans.Runtime.MembershipService.SiloHealthMonitor", 1613849313, "a probe during a local stall is inconclusive")]
[AllowLog("GameServer.Observability.ReadinessLog", 3, "an edge's readiness call to the cluster times out during a stall")]
public sealed class RoomCodeFailoverTests(ITestOutputHelper output)
{
    [Fact]
    [AllowLog("GameServer.Grains.RoomGrain", 9, "the killed silo's room is restored from its checkpoint, which an operator should see")]
    [AllowLog("Orleans.Grain", 100513, "an activation the survivor starts while the cluster is still settling the failover is cancelled; the next call activates it")]
    [AllowLog("Orleans.Grain", 850300803, "the same cancelled activation, reported by its lifecycle")]
    public async Task APrivateRoomsCode_SeatsAFriendThroughTheOtherEdge_AndStillLeadsToTheRoomAfterItsSiloIsKilled()
    {
        SiloLossLogs.Allow(TestLogScope.Required, "kill -9");
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 2, output);
        await cluster.ExplainFailuresAsync(async () =>
        {
            await using var alice = cluster.NewClient("alice");
            await using var bob = cluster.NewClient("bob");
            var bobView = new ConcurrentQueue<Snapshot>();
            bob.SnapshotReceived += bobView.Enqueue;
            await alice.ConnectAsync(cluster.Edges[0].WebSocketUri);
            await bob.ConnectAsync(cluster.Edges[1].WebSocketUri);

            var created = await alice.CreateRoomAsync("arena", isPrivate: true);
            var joined = await bob.JoinByCodeAsync(created.RoomCode!);
            Assert.Equal(created.RoomId, joined.RoomId);
            await Wait.UntilAsync(() => bobView.TryPeek(out _) && Entities(bobView).Count == 2, "bob (edge 2) sees alice (edge 1) in the private room");

            // A few seconds of play, so the room has saved checkpoints (every second) to come back from.
            await Wait.UntilAsync(() => bobView.Last().Tick >= 60, "the room has played 3 s");

            // The room is the only one, so the silo with an active room hosts it.
            var host = (await Task.WhenAll(cluster.Silos.Select(async s => (Silo: s, Rooms: await ChaosTests.MetricAsync(s, "gameserver_rooms_active")))))
                .Single(s => s.Rooms == 1).Silo;
            output.WriteLine($"kill -9 {host.Name}, which hosts {created.RoomId}");
            ClusterProcesses.Kill(host);

            // The room comes back on the survivor (the players' edges follow it) and the code still leads there.
            var ticksBefore = bobView.Last().Tick;
            await Wait.UntilAsync(() => bobView.Last().Tick > ticksBefore + 20, "the restored room ticks again", TimeSpan.FromSeconds(60));
            await using var carol = cluster.NewClient("carol");
            await carol.ConnectAsync(cluster.Edges[0].WebSocketUri);
            var late = await carol.JoinByCodeAsync(created.RoomCode!.ToLowerInvariant());
            Assert.Equal(created.RoomId, late.RoomId);

            // A public room made through edge 1 is listed by edge 2's lobby; the private room never is.
            await using var dave = cluster.NewClient("dave");
            await dave.ConnectAsync(cluster.Edges[0].WebSocketUri);
            var open = await dave.JoinAsync("arena");
            var token = cluster.Tokens.Issue("lobby-reader", TimeSpan.FromMinutes(5));
            string[] listed = [];
            await Wait.UntilAsync(async () => (listed = await LobbyAsync(cluster.Edges[1].HttpUri, token)).Contains(open.RoomId), "edge 2's lobby lists dave's room");
            Assert.DoesNotContain(created.RoomId, listed);
        });
    }

    private static HashSet<int> Entities(ConcurrentQueue<Snapshot> view) =>
        [.. ArenaState.Read(view.Last().GameState).Select(e => e.EntityId)];

    private static async Task<string[]> LobbyAsync(Uri edge, string token)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(edge, "/rooms?type=arena"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("roomId").GetString()!)];
    }
}
