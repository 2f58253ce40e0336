using System.Collections.Concurrent;
using GameServer.Client;
using GameServer.Protocol;
using Xunit.Abstractions;

namespace GameServer.Cluster.Tests;

/// <summary>
/// A game's events on real processes (redis-server, two silos, two edges) while the cluster loses an edge and then the
/// silo hosting the room: two players of the tag game keep getting the room-wide events (a role swap every second),
/// each once, in order and never before the snapshot of their tick, on whichever edge they end up.
/// </summary>
[Collection(ClusterCollection.Name)]
[CheckLogs]
[AllowLog("Orleans.Runtime.MembershipService.LocalSiloHealthMonitor", 86528487, "the silo reports that the machine stalled")]
[AllowLog("Orleans.Runtime.MembershipService.LocalSiloHealthMonitor", 1961930485, "the silo rates its health down for that stall")]
[AllowLog("Orleans.Runtime.MembershipService.SiloHealthMonitor", 1613849313, "a probe during a local stall is inconclusive")]
[AllowLog("GameServer.Observability.ReadinessLog", 3, "an edge's readiness call to the cluster times out during a stall")]
public sealed class GameEventFailoverTests(ITestOutputHelper output)
{
    [Fact]
    [AllowLog("GameServer.Grains.RoomGrain", 9, "the killed silo's room is restored from its checkpoint, which an operator should see")]
    [AllowLog("Orleans.Grain", 100513, "an activation the survivor starts while the cluster is still settling the failover is cancelled; the next call activates it")]
    [AllowLog("Orleans.Grain", 850300803, "the same cancelled activation, reported by its lifecycle")]
    public async Task TagEvents_ArriveOnceInOrderAfterTheirSnapshot_AcrossAnEdgeKillAndASiloKill()
    {
        SiloLossLogs.Allow(TestLogScope.Required, "kill -9");
        var settings = new Dictionary<string, string?>
        {
            ["Rooms__tag__Tunables__swapSeconds"] = "1", // a room-wide event every second
            ["Rooms__tag__Tunables__idleKickSeconds"] = "600", // the players only watch
        };
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 2, output, settings);
        await cluster.ExplainFailuresAsync(async () =>
        {
            await using var red = cluster.NewClient("red");
            await using var blue = cluster.NewClient("blue");
            var redEvents = Record(red);
            var blueEvents = Record(blue);
            await red.ConnectAsync([cluster.Edges[0].WebSocketUri, cluster.Edges[1].WebSocketUri]);
            await blue.ConnectAsync([cluster.Edges[1].WebSocketUri, cluster.Edges[0].WebSocketUri]);
            var created = await red.CreateRoomAsync("tag", isPrivate: true, null, new Dictionary<string, string> { ["team"] = "red" });
            await blue.JoinByCodeAsync(created.RoomCode!, new Dictionary<string, string> { ["team"] = "blue" });
            await SwapsAsync(redEvents, blueEvents, "both players see the first swaps");

            output.WriteLine($"kill -9 {cluster.Edges[0].Name}, red's edge");
            ClusterProcesses.Kill(cluster.Edges[0]);
            await Wait.UntilAsync(() => red.Resumes == 1, "red resumes on the other edge", TimeSpan.FromSeconds(30));
            await SwapsAsync(redEvents, blueEvents, "swaps after red's resume");
            // A resume on another edge starts from the next snapshot: nothing the client already had is sent again.
            Assert.Equal(0, red.GameEventsDuplicated);

            var host = (await Task.WhenAll(cluster.Silos.Select(async s => (Silo: s, Rooms: await ChaosTests.MetricAsync(s, "gameserver_rooms_active")))))
                .Single(s => s.Rooms == 1).Silo;
            output.WriteLine($"kill -9 {host.Name}, which hosts {created.RoomId}");
            ClusterProcesses.Kill(host);
            await SwapsAsync(redEvents, blueEvents, "swaps from the room restored on the survivor", TimeSpan.FromSeconds(60));

            foreach (var (name, client, events) in new[] { ("red", red, redEvents), ("blue", blue, blueEvents) })
            {
                var seqs = events.Select(e => e.Seq).ToArray();
                output.WriteLine($"{name}: events {string.Join(", ", events.Select(e => $"{e.Seq}@{e.Tick}:{GameEventKind.Of(e)}"))}; " +
                    $"{client.GameEventsDuplicated} dropped as seen before, {client.GameEventsBeforeTheirSnapshot} before their snapshot");
                // Once each; in order but for the rare event that came late after its overtaken snapshot (docs/protocol.md §5.12).
                Assert.Equal(seqs.Length, seqs.Distinct().Count());
                Assert.Equal(0, client.GameEventsBeforeTheirSnapshot);
                Assert.Single(events, e => GameEventKind.Of(e) == "welcome");
            }
            // Room-wide events carry one number for everyone: the last swaps both saw are the same ones.
            var upTo = Math.Min(Swaps(redEvents).Max(), Swaps(blueEvents).Max());
            Assert.Equal(Swaps(redEvents).Where(s => s > upTo - 3 && s <= upTo), Swaps(blueEvents).Where(s => s > upTo - 3 && s <= upTo));
        });
    }

    private static ConcurrentQueue<GameEvent> Record(GameClient client)
    {
        var events = new ConcurrentQueue<GameEvent>();
        client.GameEventReceived += events.Enqueue;
        return events;
    }

    /// <summary>Waits until each player has seen two more swaps than now.</summary>
    private static async Task SwapsAsync(ConcurrentQueue<GameEvent> red, ConcurrentQueue<GameEvent> blue, string what, TimeSpan? timeout = null)
    {
        var (redFrom, blueFrom) = (Swaps(red).Count(), Swaps(blue).Count());
        await Wait.UntilAsync(() => Swaps(red).Count() >= redFrom + 2 && Swaps(blue).Count() >= blueFrom + 2, what, timeout ?? TimeSpan.FromSeconds(30));
    }

    private static IEnumerable<long> Swaps(IEnumerable<GameEvent> events) => events.Where(e => GameEventKind.Of(e) == "swap").Select(e => e.Seq);
}
