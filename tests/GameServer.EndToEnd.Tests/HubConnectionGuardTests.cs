using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The fallback hub's connection guards on hosts with their own settings, per SignalR transport: the edge-wide limit,
/// idle and dead peers, the drain, and one seat per player across transports. The same rules as the WebSocket's
/// (<see cref="ConnectionGuardTests"/>, <see cref="SeatTakeoverAndDrainTests"/>).
/// </summary>
[CheckLogs]
public sealed class HubConnectionGuardTests
{
    public static TheoryData<string> Transports() => HubTransportTests.Transports();

    [Fact]
    public async Task OverTheEdgeLimit_NegotiateGets503WithRetryAfter_CountingWebSocketsAndHubConnectionsTogether()
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:MaxConnections"] = "2" });
        await using var socket = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await socket.ConnectAsync(host.WebSocketUri);
        await using var hub = await HubSocket.ConnectAsync(host, "longpolling");

        var (status, body, response) = await RawHandshake.NegotiateAsync(host.HttpUri, token: host.NewToken());
        var (socketStatus, _, _) = await RawHandshake.SendAsync(host.HttpUri, token: host.NewToken());

        Assert.Equal(503, status);
        Assert.Contains("limit of 2 connections", body);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal(503, socketStatus);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ASilentHubClient_IsClosedWith4002AfterTheIdleTimeout(string transport)
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:IdleTimeoutSeconds"] = "1" });
        await using var hub = await HubSocket.ConnectAsync(host, transport);

        var (code, reason) = await hub.Closed.WaitAsync(Wait.Timeout);

        Assert.Equal(CloseCode.IdleTimeout, code);
        Assert.Contains("Ping", reason);
        await hub.Ended.WaitAsync(Wait.Timeout);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ADeadPeer_ThatStopsTalking_IsDroppedByTheKeepAliveTimeout_AndItsSeatKept(string transport)
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?>
        {
            ["Edge:IdleTimeoutSeconds"] = "0",
            ["Edge:KeepAliveIntervalSeconds"] = "1",
            ["Edge:KeepAliveTimeoutSeconds"] = "1",
        });
        await using var proxy = TcpDropProxy.Start(host.HttpUri);
        await using var hub = await HubSocket.ConnectAsync(proxy.HttpUri, transport, host.NewToken("vanishing"));
        var welcome = Assert.IsType<Welcome>(await hub.AskAsync(new Join("arena")));
        var open = $"gameserver_transport=\"hub-{transport}\"";
        Assert.Equal(1, (await host.MetricsAsync()).Sum("gameserver_edge_connections", open));

        // The device vanishes: its bytes stop both ways, with no reset and no close, and no new request gets through
        // (long polling and SSE open new HTTP connections as they go).
        proxy.RefuseNew = true;
        proxy.FreezeAll();

        await Wait.UntilAsync(async () => (await host.MetricsAsync()).Sum("gameserver_edge_connections", open) == 0,
            "the edge ends the silent hub connection");
        // However the edge ended it, the seat waits: a new connection of the player resumes it.
        await using var back = await HubSocket.ConnectAsync(host, transport, "vanishing");
        var resumed = Assert.IsType<Welcome>(await back.AskAsync(new Resume(welcome.RoomId, welcome.ResumeToken)));
        Assert.Equal(welcome.EntityId, resumed.EntityId);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ADrainingEdge_ClosesItsHubPlayersWith4003(string transport)
    {
        var host = await TestHost.StartAsync("Production");
        await using var hub = await HubSocket.ConnectAsync(host, transport);
        Assert.IsType<Welcome>(await hub.AskAsync(new Join("arena")));

        await host.DisposeAsync();

        var (code, _) = await hub.Closed.WaitAsync(Wait.Timeout);
        Assert.Equal(CloseCode.Draining, code);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OneSeatPerPlayer_AcrossTransports_AResumeOnTheHubClosesTheWebSocketWith4004_AndBack(string transport)
    {
        await using var host = await TestHost.StartAsync("Production");
        var token = host.NewToken("two-transports");
        await using var socket = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = token });
        int? socketClosedWith = null;
        socket.Closed += (status, _) => socketClosedWith = (int?)status;
        await socket.ConnectAsync(host.WebSocketUri);
        var joined = await socket.JoinAsync("arena");

        await using var hub = await HubSocket.ConnectAsync(host.HttpUri, transport, token);
        var resumed = Assert.IsType<Welcome>(await hub.AskAsync(new Resume(joined.RoomId, joined.ResumeToken)));
        await Wait.UntilAsync(() => socketClosedWith == CloseCode.SessionTakenOver, "the WebSocket is closed with 4004");

        await using var again = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = token });
        await again.ConnectAsync(host.WebSocketUri);
        var back = await again.ResumeAsync(resumed.RoomId, resumed.ResumeToken);
        var (hubCode, _) = await hub.Closed.WaitAsync(Wait.Timeout);

        Assert.Equal(joined.EntityId, resumed.EntityId);
        Assert.Equal(joined.EntityId, back.EntityId);
        Assert.Equal(CloseCode.SessionTakenOver, hubCode);
    }
}
