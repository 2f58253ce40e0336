using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace GameServer.Cluster.Tests;

/// <summary>
/// Failures under load, on real processes: redis-server, two silos and two edges, with the load tool's simulated
/// players (10 arena rooms of 8) spread over both edges. Each test breaks one part mid-run and reads the tool's
/// recovery figures. Targets (docs/operations.md): a room ticks again within 5 s of a silo kill, with at most 1 s of
/// game time replayed; every player is back in their seat without doing anything.
/// </summary>
[Collection(ClusterCollection.Name)]
[CheckLogs]
// Two cores run redis, two silos, two edges and the load tool's 80 bots here (and other builds on a CI machine), so a
// process may stall for a second. Orleans reports it, a peer's probe during it fails, and an edge's readiness check
// times out; a silo wrongly declared dead or a player dropped would still fail the test's own assertions.
[AllowLog("Orleans.Runtime.MembershipService.LocalSiloHealthMonitor", 86528487, "the silo reports that the machine stalled")]
[AllowLog("Orleans.Runtime.MembershipService.LocalSiloHealthMonitor", 1961930485, "the silo rates its health down for that stall")]
[AllowLog("Orleans.Runtime.MembershipService.SiloHealthMonitor", 1613849313, "a probe during a local stall is inconclusive")]
[AllowLog("Orleans.Runtime.MembershipService.SiloHealthMonitor", 100613, "a probe to a stalled peer goes unanswered")]
[AllowLog("GameServer.Observability.ReadinessLog", 3, "an edge's readiness call to the cluster times out during a stall, and the edge says it is no longer ready")]
public sealed class ChaosTests(ITestOutputHelper output)
{
    // CI runs 10 rooms; set GAMESERVER_CHAOS_ROOMS for a heavier drill (the figures in docs/operations.md).
    private static readonly int Rooms = int.TryParse(Environment.GetEnvironmentVariable("GAMESERVER_CHAOS_ROOMS"), out var rooms) && rooms > 0 ? rooms : 10;

    [Fact]
    [AllowLog("GameServer.Grains.RoomGrain", 9, "the killed silo's rooms are restored from their checkpoints, which an operator should see")]
    [AllowLog("Orleans.Grain", 100513, "a room activation the survivor starts while the cluster is still settling the failover is cancelled; the next call activates it")]
    [AllowLog("Orleans.Grain", 850300803, "the same cancelled activation, reported by its lifecycle")]
    public async Task KillingASiloUnderLoad_RoomsComeBackFromTheirCheckpointsAndEveryPlayerStaysSeated()
    {
        SiloLossLogs.Allow(TestLogScope.Required, "kill -9");
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 2, output);
        await cluster.ExplainFailuresAsync(async () =>
        {
            using var run = LoadToolRun.Start(cluster, "silo-kill", Rooms);
            var victim = await BusiestSiloOnceMeasuringAsync(cluster, run);
            output.WriteLine($"kill -9 {victim.Name} at {run.Elapsed.TotalSeconds:0.0} s");
            ClusterProcesses.Kill(victim);

            var result = await run.ResultAsync();
            var recovery = Report(result);
            Assert.True(recovery.GetProperty("roomsRestored").GetInt32() >= 1, "the killed silo's rooms were restored from checkpoints");
            Assert.InRange(recovery.GetProperty("maxSnapshotGapMs").GetDouble(), 0, 5000);
            Assert.InRange(recovery.GetProperty("gameTimeLostMs").GetProperty("max").GetDouble(), 0, 1000);
            AssertEveryPlayerSeated(result, run);
            AssertInputsRolledBackMatchTheTicksReplayed(recovery, run);
        });
    }

    /// <summary>
    /// Bots send an input every tick (20 Hz at 20 Hz), so a restore that replays n ticks undoes about n acknowledged inputs
    /// of each of the room's players: at least one in all when a room lost 3 ticks or more, and at most twice the ticks
    /// (plus one) per player, allowing for inputs that bunch up on a busy machine.
    /// </summary>
    private static void AssertInputsRolledBackMatchTheTicksReplayed(JsonElement recovery, LoadToolRun run)
    {
        var rolledBack = recovery.GetProperty("inputsRolledBack").GetInt64();
        var restores = recovery.GetProperty("restores").EnumerateArray().Select(r => r.GetProperty("ticksReplayed").GetInt64()).ToArray();
        var ceiling = restores.Sum(ticks => run.PlayersPerRoom * 2 * (ticks + 1));
        Assert.InRange(rolledBack, restores.Any(ticks => ticks >= 3) ? 1 : 0, ceiling);
    }

    [Fact]
    [AllowLog("Orleans.Runtime.Messaging.Connection", 816022561, "the killed edge's gateway connections to the silos reset")]
    public async Task KillingAnEdgeUnderLoad_ItsPlayersResumeOnTheOtherEdge_AndNoRoomStateIsLost()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 2, output);
        await cluster.ExplainFailuresAsync(async () =>
        {
            using var run = LoadToolRun.Start(cluster, "edge-kill", Rooms);
            await WaitUntilMeasuringAsync(run);
            output.WriteLine($"kill -9 {cluster.Edges[0].Name} at {run.Elapsed.TotalSeconds:0.0} s");
            ClusterProcesses.Kill(cluster.Edges[0]);

            var result = await run.ResultAsync();
            var recovery = Report(result);
            Assert.True(recovery.GetProperty("botsDropped").GetInt32() >= run.Players / 4, "a share of the players were on the killed edge");
            Assert.Equal(100, recovery.GetProperty("botsResumedPercent").GetDouble());
            Assert.Equal(0, recovery.GetProperty("resumeFailures").GetInt64());
            Assert.Equal(0, recovery.GetProperty("roomsRestored").GetInt32());
            Assert.InRange(recovery.GetProperty("outageMs").GetProperty("max").GetDouble(), 0, 5000);
            AssertEveryPlayerSeated(result, run);
            AssertPlayersMovedOff(result, run, gone: cluster.Edges[0], survivor: cluster.Edges[1]);
        });
    }

    [Fact]
    public async Task DrainingAnEdge_ItsPlayersReconnectAtOnceAndResume()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 2, output);
        await cluster.ExplainFailuresAsync(async () =>
        {
            using var run = LoadToolRun.Start(cluster, "edge-drain", Rooms);
            await WaitUntilMeasuringAsync(run);
            output.WriteLine($"SIGTERM {cluster.Edges[0].Name} at {run.Elapsed.TotalSeconds:0.0} s");
            Assert.True(await ClusterProcesses.StopAsync(cluster.Edges[0]), "the edge drains and exits by itself");

            var result = await run.ResultAsync();
            var recovery = Report(result);
            Assert.True(recovery.GetProperty("botsDropped").GetInt32() >= run.Players / 4, "a share of the players were on the drained edge");
            Assert.Equal(100, recovery.GetProperty("botsResumedPercent").GetDouble());
            Assert.Equal(0, recovery.GetProperty("roomsRestored").GetInt32());
            // A 4003 close means "reconnect now": no backoff.
            Assert.InRange(recovery.GetProperty("outageMs").GetProperty("max").GetDouble(), 0, 3000);
            AssertEveryPlayerSeated(result, run);
            AssertPlayersMovedOff(result, run, gone: cluster.Edges[0], survivor: cluster.Edges[1]);
        });
    }

    [Fact]
    public async Task ShuttingDownASiloGracefully_HandsItsRoomsOverWithoutLosingTicks()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 2, output);
        await cluster.ExplainFailuresAsync(async () =>
        {
            using var run = LoadToolRun.Start(cluster, "silo-stop", Rooms);
            var victim = await BusiestSiloOnceMeasuringAsync(cluster, run);
            output.WriteLine($"SIGTERM {victim.Name} at {run.Elapsed.TotalSeconds:0.0} s");
            Assert.True(await ClusterProcesses.StopAsync(victim), "the silo shuts down by itself");

            var result = await run.ResultAsync();
            var recovery = Report(result);
            // Rooms saved their exact tick on the way out: nothing replayed, no tick going back.
            Assert.Equal(0, recovery.GetProperty("ticksReplayedMax").GetInt64());
            Assert.Equal(0, recovery.GetProperty("roomsRestored").GetInt32());
            Assert.InRange(recovery.GetProperty("maxSnapshotGapMs").GetDouble(), 0, 5000);
            Assert.Equal(0, recovery.GetProperty("botsDropped").GetInt32());
            AssertEveryPlayerSeated(result, run);
        });
    }

    [Fact]
    [AllowLog("Orleans.Persistence.RedisGrainStorage", 1626244304, "checkpoints cannot be written while redis is down")]
    [AllowLog("Orleans.Persistence.RedisGrainStorage", 102203, "the storage provider reports the same failed writes")]
    [AllowLog("GameServer.Grains.RoomGrain", 10, "rooms say their checkpoint failed while redis is down, and carry on")]
    [AllowLog("Orleans.Runtime.MembershipService.MembershipTableManager", 100659, "silos cannot refresh the membership table while redis is down, and retry")]
    [AllowLog("Orleans.Runtime.MembershipService.MembershipAgent", 100659, "a silo cannot update its own membership entry while redis is down, and retries")]
    public async Task RestartingRedis_TheClusterCarriesOnAndCheckpointsResume()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 2, output);
        await cluster.ExplainFailuresAsync(async () =>
        {
            using var run = LoadToolRun.Start(cluster, "redis-restart", Rooms);
            await WaitUntilMeasuringAsync(run);
            output.WriteLine($"restarting redis at {run.Elapsed.TotalSeconds:0.0} s");
            await cluster.RestartRedisAsync(TimeSpan.FromSeconds(3));
            var afterRestart = await CheckpointsSavedAsync(cluster);
            await Wait.UntilAsync(async () => await CheckpointsSavedAsync(cluster) >= afterRestart + Rooms,
                "rooms save checkpoints again after redis is back", TimeSpan.FromSeconds(30));

            var result = await run.ResultAsync();
            var recovery = Report(result);
            // Storage was away, not the rooms: they kept ticking and nobody was disconnected.
            Assert.InRange(recovery.GetProperty("maxSnapshotGapMs").GetDouble(), 0, 1000);
            Assert.Equal(0, recovery.GetProperty("botsDropped").GetInt32());
            Assert.Equal(0, recovery.GetProperty("roomsRestored").GetInt32());
            AssertEveryPlayerSeated(result, run);
            // Both silos are still members of the cluster, and a new player can still join.
            foreach (var silo in cluster.Silos)
            {
                Assert.True(await IsReadyAsync(silo), $"{silo.Name} is still ready");
            }
            await using var late = cluster.NewClient();
            await late.ConnectAsync(cluster.Edges[1].WebSocketUri);
            Assert.False(string.IsNullOrEmpty((await late.JoinAsync("arena")).RoomId));
        });
    }

    private JsonElement Report(JsonElement result)
    {
        var recovery = result.GetProperty("recovery");
        var summary = result.GetProperty("summary");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"players joined {summary.GetProperty("playersJoined")}, errors {result.GetProperty("errors").GetProperty("total")}, " +
            $"snapshots/s/player {summary.GetProperty("snapshotsPerSecondPerPlayer").GetDouble():0.00}"));
        output.WriteLine("recovery: " + JsonSerializer.Serialize(recovery, s_compact));
        Assert.Equal(0, result.GetProperty("errors").GetProperty("total").GetInt64());
        return recovery;
    }

    private static readonly JsonSerializerOptions s_compact = new() { WriteIndented = false };

    private static void AssertEveryPlayerSeated(JsonElement result, LoadToolRun run)
    {
        Assert.Equal(run.Players, result.GetProperty("summary").GetProperty("playersJoined").GetInt32());
        Assert.Equal(run.Players, result.GetProperty("recovery").GetProperty("botsInRoomAtEnd").GetInt32());
    }

    /// <summary>The load tool's per-edge figures: every drop was from the lost edge, every reconnect landed on the other.</summary>
    private static void AssertPlayersMovedOff(JsonElement result, LoadToolRun run, ClusterNode gone, ClusterNode survivor)
    {
        var edges = result.GetProperty("edges").EnumerateArray().ToDictionary(e => e.GetProperty("url").GetString()!, StringComparer.Ordinal);
        var lost = edges[gone.WebSocketUri.GetLeftPart(UriPartial.Path)];
        var other = edges[survivor.WebSocketUri.GetLeftPart(UriPartial.Path)];
        var recovery = result.GetProperty("recovery");
        Assert.Equal(run.Players, lost.GetProperty("playersConnected").GetInt64() + other.GetProperty("playersConnected").GetInt64());
        Assert.Equal(recovery.GetProperty("drops").GetInt64(), lost.GetProperty("drops").GetInt64());
        Assert.Equal(0, other.GetProperty("drops").GetInt64());
        Assert.Equal(recovery.GetProperty("reconnects").GetInt64(), other.GetProperty("reconnectsIn").GetInt64());
        Assert.Equal(0, lost.GetProperty("playersAtEnd").GetInt32());
        Assert.Equal(run.Players, other.GetProperty("playersAtEnd").GetInt32());
    }

    private static async Task WaitUntilMeasuringAsync(LoadToolRun run)
    {
        // A few seconds into the measured window, so the failure's effect is measured against steady play.
        var at = run.MeasuringFrom + TimeSpan.FromSeconds(4);
        await Wait.UntilAsync(() => run.Elapsed >= at, "the run reaches its measured window", at + TimeSpan.FromSeconds(10));
    }

    /// <summary>Once the run is measuring, the silo hosting the most rooms (random placement spreads them).</summary>
    private static async Task<ClusterNode> BusiestSiloOnceMeasuringAsync(ClusterProcesses cluster, LoadToolRun run)
    {
        await WaitUntilMeasuringAsync(run);
        var counts = new List<(ClusterNode Silo, double Rooms)>();
        foreach (var silo in cluster.Silos)
        {
            counts.Add((silo, await MetricAsync(silo, "gameserver_rooms_active")));
        }
        Assert.Equal(Rooms, counts.Sum(c => c.Rooms));
        return counts.MaxBy(c => c.Rooms).Silo;
    }

    private static async Task<double> CheckpointsSavedAsync(ClusterProcesses cluster)
    {
        var total = 0.0;
        foreach (var silo in cluster.Silos.Where(s => !s.Process.HasExited))
        {
            total += await MetricAsync(silo, "gameserver_room_checkpoints_total", "outcome=\"ok\"");
        }
        return total;
    }

    private static async Task<bool> IsReadyAsync(ClusterNode node)
    {
        using var http = new HttpClient { BaseAddress = node.ManagementUri, Timeout = TimeSpan.FromSeconds(5) };
        return (await http.GetAsync("/readyz")).IsSuccessStatusCode;
    }

    /// <summary>Sums a Prometheus metric's samples on a node's /metrics (optionally those whose labels contain a filter).</summary>
    internal static async Task<double> MetricAsync(ClusterNode node, string name, string? labelFilter = null)
    {
        using var http = new HttpClient { BaseAddress = node.ManagementUri, Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync("/metrics");
        var total = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !(line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal)))
            {
                continue;
            }
            if (labelFilter is not null && !line.Contains(labelFilter, StringComparison.Ordinal))
            {
                continue;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            total += double.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        return total;
    }
}
