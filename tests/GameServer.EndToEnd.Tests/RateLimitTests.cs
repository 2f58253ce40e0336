using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using Xunit.Abstractions;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// Per-connection rate limits over real sockets, each test on a host of its own (so the counters are its own) with
/// the shipped limits: inputs 30/s burst 10, control 5/s burst 10, 100 strikes refilled at 10/s.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
[CheckLogs]
public sealed class RateLimitTests(ITestOutputHelper output)
{
    private const string InputsDroppedRateLimited = "gameserver_drop_reason=\"rate_limited\"";
    private const string ClosedRateLimited = "gameserver_close_reason=\"rate_limited\"";

    [Fact]
    public async Task AnInputFlood_GetsRateLimitedAndClosedWith1008_WhileAnHonestPlayerInTheSameRoomPlaysOn()
    {
        await using var host = await StartHostAsync();
        await using var honest = NewClient(host);
        await using var flooder = NewClient(host);
        var honestErrors = new ConcurrentQueue<Error>();
        var flooderErrors = new ConcurrentQueue<Error>();
        honest.ErrorReceived += honestErrors.Enqueue;
        flooder.ErrorReceived += flooderErrors.Enqueue;
        await honest.ConnectAsync(host.WebSocketUri);
        await flooder.ConnectAsync(host.WebSocketUri);
        var welcome = await honest.JoinAsync("arena");
        await flooder.JoinRoomAsync(welcome.RoomId);
        await Wait.UntilAsync(() => honest.SnapshotsReceived > 0, "the honest player receives snapshots");

        var sent = 0;
        var payload = new ArenaInput(1, 0).ToPayload();
        try
        {
            for (; sent < 400; sent++)
            {
                await flooder.SendInputAsync(payload);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The server closed the flooder part-way through; what matters is what it was told.
        }
        await flooder.Completion.WaitAsync(Wait.Timeout);
        var metrics = await WaitForMetricAsync(host, m => m.Sum("gameserver_edge_connections_closed_total", ClosedRateLimited) >= 1,
            "the flooder's connection is counted as closed for rate_limited");
        var honestBefore = honest.SnapshotsReceived;
        await Wait.UntilAsync(() => honest.SnapshotsReceived >= honestBefore + 10, "the honest player keeps receiving snapshots");

        output.WriteLine($"flooder sent {sent} inputs before the close; dropped {metrics.Sum("gameserver_edge_inputs_dropped_total", InputsDroppedRateLimited)}; " +
            $"close {(int?)flooder.CloseStatus} '{flooder.CloseStatusDescription}'");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, flooder.CloseStatus);
        Assert.Contains(flooderErrors, e => e.Code == ErrorCode.RateLimited);
        Assert.True(metrics.Sum("gameserver_edge_inputs_dropped_total", InputsDroppedRateLimited) > 0, metrics.Text);
        Assert.True(metrics.Sum("gameserver_edge_protocol_errors_total", "gameserver_error_code=\"RateLimited\"") > 0, metrics.Text);
        Assert.Equal(ConnectionState.InRoom, honest.State);
        Assert.Empty(honestErrors);
    }

    [Fact]
    public async Task AClientSlightlyOverTheInputRate_IsTrimmedButStaysConnectedAndKeepsGettingAcks()
    {
        const int inputsPerSecond = 40; // the limit is 30/s with a burst of 10
        const int total = inputsPerSecond * 3;
        await using var host = await StartHostAsync();
        await using var client = NewClient(host);
        var errors = new ConcurrentQueue<Error>();
        var acks = new ConcurrentQueue<uint>();
        client.ErrorReceived += errors.Enqueue;
        client.InputAcknowledged += (ack, _) => acks.Enqueue(ack);
        await client.ConnectAsync(host.WebSocketUri);
        await client.JoinAsync("arena");

        // Paced by the clock rather than by delays, so the average rate is 40/s however late each delay fires.
        var clock = Stopwatch.StartNew();
        var payload = new ArenaInput(0, 1).ToPayload();
        for (var i = 1; i <= total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / inputsPerSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            await client.SendInputAsync(payload);
        }
        var sendSeconds = clock.Elapsed.TotalSeconds;
        // Most inputs got through, the last of them among them (three in four pass at 40/s against 30/s).
        await Wait.UntilAsync(() => client.LastAckedSeq >= total - 10, $"acks reach {total - 10} (at {client.LastAckedSeq})");
        var metrics = await ScrapeAsync(host);
        var dropped = metrics.Sum("gameserver_edge_inputs_dropped_total", InputsDroppedRateLimited);

        output.WriteLine($"sent {total} inputs in {sendSeconds:0.00} s; dropped {dropped}; {acks.Count} ack updates, last {client.LastAckedSeq}");
        Assert.InRange(dropped, 1, total / 2); // about 20: 120 sent against 10 + 30 × 3 allowed
        Assert.Equal(ConnectionState.InRoom, client.State);
        Assert.Null(client.CloseStatus);
        Assert.Empty(errors); // trimmed inputs are only counted; the client is not told
        Assert.Equal(0, metrics.Sum("gameserver_edge_connections_closed_total", ClosedRateLimited));
        Assert.True(acks.Count >= 20, $"acks advanced only {acks.Count} times");
    }

    [Fact]
    public async Task AControlFlood_GetsError11ForTheExcess_AndTheConnectionStaysOpen()
    {
        await using var host = await StartHostAsync();
        await using var client = NewClient(host, new GameClientOptions { StateDelta = ArenaDelta.Instance, RequestTimeout = TimeSpan.FromSeconds(2) });
        var errors = new ConcurrentQueue<Error>();
        client.ErrorReceived += errors.Enqueue;
        await client.ConnectAsync(host.WebSocketUri);

        for (var i = 0; i < 30; i++)
        {
            await client.SendRawAsync(MessageCodec.Encode(new Ping(i)));
        }
        await Wait.UntilAsync(() => RateLimitedCount(errors) >= 10, "Error 11 for the pings over the burst of 10");
        // The bucket refills at 5/s: a later ping is answered again (each one still refused adds an Error 11).
        var refusedRetries = 0;
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await client.PingAsync();
                return true;
            }
            catch (TimeoutException)
            {
                refusedRetries++;
                return false;
            }
        }, "a ping is answered again");
        var metrics = await ScrapeAsync(host);

        var refusedInFlood = RateLimitedCount(errors) - refusedRetries;
        output.WriteLine($"30 pings: {refusedInFlood} got Error 11; {refusedRetries} retries refused before a pong");
        Assert.InRange(refusedInFlood, 10, 20);
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Null(client.CloseStatus);
        Assert.Equal(0, metrics.Sum("gameserver_edge_connections_closed_total", ClosedRateLimited));
        Assert.True(metrics.Sum("gameserver_edge_protocol_errors_total", "gameserver_error_code=\"RateLimited\"") >= 10, metrics.Text);
    }

    private static Task<TestHost> StartHostAsync() =>
        TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:AllowJoinByRoomId"] = "true" });

    private static GameClient NewClient(TestHost host, GameClientOptions? options = null)
    {
        options ??= new GameClientOptions { StateDelta = ArenaDelta.Instance };
        options.AccessToken = host.NewToken();
        return new GameClient(options);
    }

    private static int RateLimitedCount(IEnumerable<Error> errors) => errors.Count(e => e.Code == ErrorCode.RateLimited);

    private static async Task<PrometheusText> ScrapeAsync(TestHost host)
    {
        using var http = new HttpClient();
        return new PrometheusText(await http.GetStringAsync(new Uri(host.ManagementUri, "/metrics")));
    }

    private static async Task<PrometheusText> WaitForMetricAsync(TestHost host, Func<PrometheusText, bool> condition, string what)
    {
        PrometheusText metrics = null!;
        await Wait.UntilAsync(async () => condition(metrics = await ScrapeAsync(host)), what);
        return metrics;
    }
}
