using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using GameServer.Protocol;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GameServer.Cluster.Tests;

/// <summary>
/// The shipped docker/nginx.conf on a real nginx in front of two real edges (one silo, redis): the fallback transport's
/// HTTP requests (negotiate, polls or the event stream, sends) all reach the edge that negotiated the connection, which
/// matters because the other edge answers 404 to that connection's token, while game WebSockets still go round robin.
/// </summary>
[Collection(ClusterCollection.Name)]
[CheckLogs]
[AllowLog("Orleans.Runtime.MembershipService.LocalSiloHealthMonitor", 86528487, "the silo reports that the machine stalled")]
[AllowLog("Orleans.Runtime.MembershipService.LocalSiloHealthMonitor", 1961930485, "the silo rates its health down for that stall")]
[AllowLog("GameServer.Observability.ReadinessLog", 3, "an edge's readiness call to the cluster times out during a stall")]
public sealed class NginxHubAffinityTests(ITestOutputHelper output)
{
    /// <summary>How long each hub connection plays: at 20 snapshots a second, dozens of long polls.</summary>
    private const int SnapshotsToReceive = 40;

    [Fact]
    public async Task TheShippedNginx_KeepsEveryRequestOfAHubConnectionOnOneEdge_AndSpreadsWebSockets()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 1, edges: 2, output);
        await cluster.ExplainFailuresAsync(async () =>
        {
            await using var nginx = await NginxProcess.StartAsync([.. cluster.Edges.Select(e => e.HttpUri)], cluster.WorkDirectory);
            try
            {
                // Game WebSockets through the same nginx: no affinity, two players in a row land on both edges.
                await using (var first = cluster.NewClient())
                await using (var second = cluster.NewClient())
                {
                    var socket = new Uri(nginx.Uri.ToString().Replace("http", "ws", StringComparison.Ordinal) + ProtocolVersion.Path.TrimStart('/'));
                    await first.ConnectAsync(socket);
                    await second.ConnectAsync(socket);
                    var snapshots = 0;
                    second.SnapshotReceived += _ => Interlocked.Increment(ref snapshots);
                    // One room, its players on both edges.
                    var created = await first.CreateRoomAsync("arena", isPrivate: true);
                    Assert.Equal(created.RoomId, (await second.JoinByCodeAsync(created.RoomCode!)).RoomId);
                    await Wait.UntilAsync(() => Volatile.Read(ref snapshots) >= 10, "the WebSocket player gets snapshots through nginx");
                }
                // nginx logs a WebSocket when it closes.
                IReadOnlyList<AccessLogEntry> sockets = [];
                await Wait.UntilAsync(() => (sockets = [.. nginx.AccessLog().Where(e => e.Path == ProtocolVersion.Path)]).Count == 2, "nginx logs both WebSockets");
                Assert.All(sockets, s => Assert.Equal(101, s.Status));
                Assert.Equal(EdgeAddresses(cluster), sockets.Select(s => s.Upstream).Order(StringComparer.Ordinal));

                await PlayOverHubAsync(cluster, nginx, HttpTransportType.LongPolling, messagePack: true);
                await PlayOverHubAsync(cluster, nginx, HttpTransportType.ServerSentEvents, messagePack: false);
            }
            catch
            {
                output.WriteLine($"nginx folder {nginx.Directory}\n{nginx.Tail()}");
                throw;
            }
        });
    }

    /// <summary>
    /// One player through nginx's /hub: Open, Join, Welcome, <see cref="SnapshotsToReceive"/> snapshots and a Ping
    /// answered, then a 1000 close; then every logged request of that connection must have one edge and succeeded, and
    /// the other edge must not know its token.
    /// </summary>
    private async Task PlayOverHubAsync(ClusterProcesses cluster, NginxProcess nginx, HttpTransportType transport, bool messagePack)
    {
        var token = cluster.Tokens.Issue("hub-" + transport, TimeSpan.FromMinutes(10));
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(nginx.Uri, HubTransport.Path), transport, options => options.AccessTokenProvider = () => Task.FromResult<string?>(token));
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }
        await using var connection = builder.Build();
        string? opened = null;
        var messages = new ConcurrentQueue<ServerMessage>();
        var closes = new ConcurrentQueue<(int Code, string Reason)>();
        connection.On<string>(HubTransport.OpenMethod, subProtocol => opened = subProtocol);
        connection.On<byte[]>(HubTransport.FrameMethod, frame => messages.Enqueue(MessageCodec.DecodeServer(frame)));
        connection.On<int, string>(HubTransport.CloseMethod, (code, reason) => closes.Enqueue((code, reason)));

        await connection.StartAsync();
        await Wait.UntilAsync(() => Volatile.Read(ref opened) is not null, $"{transport}: Open arrives");
        Assert.Equal(ProtocolVersion.SubProtocol, opened);
        await connection.SendAsync(HubTransport.SendMethod, MessageCodec.Encode(new Join("arena")));
        await Wait.UntilAsync(() => messages.OfType<Welcome>().Any(), $"{transport}: Welcome arrives");
        await Wait.UntilAsync(() => messages.OfType<Snapshot>().Count() >= SnapshotsToReceive, $"{transport}: {SnapshotsToReceive} snapshots arrive");
        await connection.SendAsync(HubTransport.SendMethod, MessageCodec.Encode(new Ping(42)));
        await Wait.UntilAsync(() => messages.OfType<Pong>().Any(p => p.ClientTimeMs == 42), $"{transport}: the Ping is answered");
        Assert.Empty(closes);
        await connection.SendAsync(HubTransport.CloseMethod, 1000, "done");
        await connection.StopAsync();

        await AssertOneEdgePerConnectionAsync(nginx, transport, [.. cluster.Edges.Select(e => e.HttpUri)], token, output);
    }

    /// <summary>
    /// The last hub connection in nginx's log: every request of it (by its affinity key) reached one edge and succeeded,
    /// long polling took many polls, and the other edge answers 404 to its token.
    /// </summary>
    /// <param name="accessToken">The connection's player token: without it any edge refuses a hub request with 401.</param>
    private static async Task AssertOneEdgePerConnectionAsync(
        NginxProcess nginx, HttpTransportType transport, IReadOnlyList<Uri> edges, string? accessToken, ITestOutputHelper output)
    {
        // The connection's requests share the affinity key its negotiate got; the poll or stream requests carry its token.
        IReadOnlyList<AccessLogEntry> requests = [];
        AccessLogEntry? negotiate = null;
        await Wait.UntilAsync(() =>
        {
            var hub = nginx.AccessLog().Where(e => e.Path.StartsWith(HubTransport.Path, StringComparison.Ordinal)).ToList();
            negotiate = hub.LastOrDefault(e => e.Path == HubTransport.Path + "/negotiate");
            requests = negotiate is null ? [] : [.. hub.Where(e => e.AffinityKey == negotiate.AffinityKey)];
            // nginx logs a request when it ends: the event stream once the client stopped, each poll as it is answered.
            return requests.Count(e => e.Method == "GET" && e.ConnectionToken.Length > 0) >= (transport == HttpTransportType.LongPolling ? 10 : 1);
        }, $"{transport}: nginx logs the connection's requests");
        output.WriteLine($"{transport}: {requests.Count} requests, {requests.Count(e => e.Method == "GET")} GETs, on {negotiate!.Upstream}");

        Assert.False(string.IsNullOrEmpty(negotiate.AffinityKey));
        var connectionToken = Assert.Single(requests.Where(e => e.ConnectionToken.Length > 0).Select(e => e.ConnectionToken).Distinct());
        Assert.All(requests, e => Assert.Equal(negotiate.Upstream, e.Upstream));
        // 499 is nginx's mark for a request the client ended itself: the poll or stream still open when it stopped.
        Assert.All(requests, e => Assert.True(e.Status is >= 200 and < 300 || (e.Status == 499 && e.Method == "GET"), $"{e.Method} {e.Path} answered {e.Status}"));
        Assert.True(requests.Count(e => e.Status == 499) <= 1, "More than one request ended by the client.");
        Assert.Contains(requests, e => e.Method == "POST" && e.ConnectionToken == connectionToken);
        Assert.Contains(negotiate.Upstream, edges.Select(e => e.Authority));

        // Without the affinity a request could reach the other edge, which does not know the connection.
        var other = edges.Single(e => e.Authority != negotiate.Upstream);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(other, $"{HubTransport.Path}?id={Uri.EscapeDataString(connectionToken)}"));
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        using var foreign = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    private static string[] EdgeAddresses(ClusterProcesses cluster) =>
        [.. cluster.Edges.Select(e => e.HttpUri.Authority).Order(StringComparer.Ordinal)];
}
