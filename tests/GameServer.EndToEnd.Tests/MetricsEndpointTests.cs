using System.Net;
using GameServer.Abstractions;
using GameServer.Client;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// Prometheus metrics after real traffic. In the serial collection: each host exports only its own meters (Local
/// scope), but Orleans' and the runtime's meters are one per process, and the test reads them too.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
[CheckLogs]
public sealed class MetricsEndpointTests
{
    // The game meter's instruments as Prometheus names, each of which must be non-zero after two players have played.
    private static readonly string[] s_countersAfterTraffic =
    [
        "gameserver_room_ticks_total",
        "gameserver_room_tick_duration_seconds_count",
        "gameserver_room_tick_lateness_seconds_count",
        "gameserver_room_snapshots_total",
        "gameserver_room_snapshot_size_bytes_total",
        "gameserver_room_inputs_total",
        "gameserver_edge_inputs_received_total",
        "gameserver_edge_input_batches_sent_total",
        "gameserver_edge_snapshots_received_total",
        "gameserver_edge_messages_sent_total",
        "gameserver_edge_sent_bytes_total",
        "gameserver_edge_handshake_rejects_total",
    ];

    // Gauges that are non-zero while the two players are connected.
    private static readonly string[] s_gaugesWhilePlaying =
    [
        "gameserver_rooms_active",
        "gameserver_room_players",
        "gameserver_edge_connections",
        "gameserver_edge_rooms",
    ];

    [Fact]
    public async Task Metrics_AfterPlayersPlay_ExposeTheGameMetersWithNonZeroValuesAlongsideOrleansAndKestrel()
    {
        await using var host = await TestHost.StartAsync("Development", new Dictionary<string, string?> { ["Edge:AllowJoinByRoomId"] = "true" });
        using var http = new HttpClient { BaseAddress = host.ManagementUri };
        // A plain GET on the game endpoint is a refused handshake: it must show up by reason.
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(new Uri(host.HttpUri, "/ws"))).StatusCode);

        await using var alice = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await using var bob = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await alice.ConnectAsync(host.WebSocketUri);
        await bob.ConnectAsync(host.WebSocketUri);
        var welcome = await alice.JoinRoomAsync(RoomIds.New("arena"));
        await bob.JoinRoomAsync(welcome.RoomId);
        for (var i = 0; i < 5; i++)
        {
            await alice.SendInputAsync(new ArenaInput(1, 0).ToPayload());
            await bob.SendInputAsync(new ArenaInput(0, 1).ToPayload());
        }
        await Wait.UntilAsync(() => alice.LastAckedSeq >= 5 && bob.LastAckedSeq >= 5, "both players' inputs are acknowledged");

        var expected = s_countersAfterTraffic.Concat(s_gaugesWhilePlaying).ToArray();
        var metrics = new PrometheusText("");
        try
        {
            // The exporter caches a scrape briefly; poll until every instrument has reported.
            await Wait.UntilAsync(() =>
            {
                metrics = new PrometheusText(http.GetStringAsync("/metrics").GetAwaiter().GetResult());
                return expected.All(name => metrics.Sum(name) > 0);
            }, "every game instrument is non-zero in /metrics");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Zero or missing: {string.Join(", ", expected.Where(n => metrics.Sum(n) <= 0))}. " +
                $"Game series present: {string.Join(", ", metrics.NamesStartingWith("gameserver"))}");
        }

        Assert.True(metrics.Sum("gameserver_room_inputs_total", "gameserver_input_outcome=\"applied\"") >= 10);
        Assert.True(metrics.Sum("gameserver_edge_handshake_rejects_total", "gameserver_reject_reason=\"not_websocket\"") >= 1);
        Assert.True(metrics.Sum("gameserver_edge_messages_sent_total", "gameserver_message_kind=\"snapshot\"") > 0);
        Assert.True(metrics.Sum("gameserver_room_tick_duration_seconds_sum") > 0);
        Assert.True(metrics.Has("orleans_grains"), "the Orleans meter is exported");
        Assert.NotEmpty(metrics.NamesStartingWith("kestrel_"));
    }

    [Fact]
    public async Task TwoHostsInOneProcess_EachHostsMetrics_CountOnlyItsOwnConnections()
    {
        // Before the game's meters were enabled by scope, every host's /metrics summed the same-named instruments of
        // all hosts in the process: a CI run saw 3 open connections on a host that had one.
        await using var one = await TestHost.StartAsync("Production");
        await using var other = await TestHost.StartAsync("Production");
        await using var player = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = one.NewToken() });
        await player.ConnectAsync(one.WebSocketUri);
        await player.JoinAsync("arena");

        await Wait.UntilAsync(async () => (await one.MetricsAsync()).Sum("gameserver_edge_connections") == 1,
            "the host the player is on counts one connection");
        var onOther = await other.MetricsAsync();
        Assert.Equal(0, onOther.Sum("gameserver_edge_connections"));
        Assert.Equal(0, onOther.Sum("gameserver_room_ticks_total"));
    }
}
