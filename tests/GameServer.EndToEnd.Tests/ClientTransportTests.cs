using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using GameServer.Abstractions;
using GameServer.Client;
using GameServer.Client.SignalR;
using GameServer.Protocol;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The SDK over the fallback transport: the real SignalR client (Server-Sent Events with the json hub protocol, long
/// polling with messagepack) against the real server's hub, through the same game, reconnect and resume as over a WebSocket.
/// </summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class ClientTransportTests(HostFixture host)
{
    private const string ArenaGame = "arena";
    private static readonly ReadOnlyMemory<byte> s_moveRight = new ArenaInput(1, 0).ToPayload();

    public static TheoryData<string> Transports => new() { "sse", "longpolling" };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OverTheHub_PlayersJoinPlayAndSeeEachOther_AndADroppedConnectionResumesTheSeat(string transport)
    {
        await using var alice = host.NewClient(Options(transport));
        await using var bob = host.NewClient(Options(transport));
        var aliceView = new ConcurrentQueue<Snapshot>();
        alice.SnapshotReceived += aliceView.Enqueue;
        await alice.ConnectAsync(host.WebSocketUri); // the game endpoint as given to a WebSocket client: reached at /hub
        await bob.ConnectAsync(host.WebSocketUri);

        var aliceWelcome = await alice.JoinRoomAsync(RoomIds.New(ArenaGame));
        var bobWelcome = await bob.JoinRoomAsync(aliceWelcome.RoomId);
        await Wait.UntilAsync(async () => { await bob.SendInputAsync(s_moveRight); return bob.LastAckedSeq >= 3; }, "bob's inputs are acknowledged");
        await Wait.UntilAsync(() => Latest(aliceView).Any(e => e.EntityId == bobWelcome.EntityId), "alice's snapshots show bob");

        Assert.Equal(ProtocolVersion.SubProtocolV2, alice.SubProtocol);
        Assert.True(alice.DeltasReceived > 0, "snapshots came as deltas and were applied");
        Assert.Equal(0, alice.KeyframeRequests);
        Assert.True(bob.WireBytesReceived > bob.BytesReceived);

        bob.DropConnection();
        await Wait.UntilAsync(() => bob.Resumes == 1 && bob.State == ConnectionState.InRoom, "bob resumes his seat after the drop");
        var seq = await bob.SendInputAsync(s_moveRight);
        await Wait.UntilAsync(() => bob.LastAckedSeq >= seq, "an input after the resume is acknowledged");

        Assert.Equal(bobWelcome.RoomId, bob.Room!.RoomId);
        Assert.Equal(bobWelcome.EntityId, bob.Room.EntityId);
        Assert.True(bob.Room.Resumed);
        Assert.Equal(1, bob.Reconnects);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OverTheHub_ACutConnection_ReconnectsThroughTheProxyAndResumes(string transport)
    {
        await using var proxy = TcpDropProxy.Start(host.WebSocketUri);
        await using var client = host.NewClient(Options(transport));
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        client.Reconnecting += reconnecting.Enqueue;
        await client.ConnectAsync(proxy.WebSocketUri);
        var welcome = await client.JoinAsync(ArenaGame);
        await Wait.UntilAsync(async () => { await client.SendInputAsync(s_moveRight); return client.LastAckedSeq >= 3; }, "inputs acknowledged before the cut");

        // New connections are reset too while the cut lasts: HTTP would otherwise retry a poll on a fresh connection,
        // and a connection that was never noticed as lost is not what this test is about.
        proxy.RefuseNew = true;
        Assert.True(proxy.DropAll() >= 1);
        await Wait.UntilAsync(() => client.State == ConnectionState.Reconnecting, "the client notices the cut");
        proxy.RefuseNew = false;
        await Wait.UntilAsync(() => client.Resumes == 1 && client.State == ConnectionState.InRoom, "the client resumes its seat after the cut");
        var seq = await client.SendInputAsync(s_moveRight);
        await Wait.UntilAsync(() => client.LastAckedSeq >= seq, "an input after the resume is acknowledged");

        Assert.Equal(welcome.EntityId, client.Room!.EntityId);
        Assert.Equal(welcome.RoomId, client.Room.RoomId);
        Assert.NotEmpty(reconnecting);
        Assert.All(reconnecting, r => Assert.Null(r.CloseCode)); // lost, not closed
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OverTheHub_CloseAsync_EndsWithANormalClose_AndDoesNotReconnect(string transport)
    {
        await using var client = host.NewClient(Options(transport));
        var closed = new TaskCompletionSource<(WebSocketCloseStatus?, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Closed += (status, reason) => closed.TrySetResult((status, reason));
        await client.ConnectAsync(host.WebSocketUri);
        await client.JoinAsync(ArenaGame);

        await client.CloseAsync();

        var (status, _) = await closed.Task.WaitAsync(Wait.Timeout);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.Equal(0, client.Reconnects);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OverTheHub_TheServersClose_ReachesTheClientsClosePath_4004IsNotReconnectedFrom(string transport)
    {
        // The same player joining again takes the seat over; the server closes the first connection with 4004 through
        // the hub's Close, and the SDK treats it exactly as the WebSocket close frame: no reconnect.
        var token = host.Host.NewToken("hub-takeover-" + transport);
        await using var first = host.NewClient(WithToken(Options(transport), token));
        var closed = new TaskCompletionSource<(WebSocketCloseStatus?, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Closed += (status, reason) => closed.TrySetResult((status, reason));
        await first.ConnectAsync(host.WebSocketUri);
        var joined = await first.JoinRoomAsync(RoomIds.New(ArenaGame));

        await using var second = host.NewClient(WithToken(Options(transport), token));
        await second.ConnectAsync(host.WebSocketUri);
        var again = await second.JoinRoomAsync(joined.RoomId);

        var (status, _) = await closed.Task.WaitAsync(Wait.Timeout);
        Assert.Equal(CloseCode.SessionTakenOver, (int?)status);
        Assert.Equal(CloseCode.SessionTakenOver, (int?)first.CloseStatus);
        Assert.Equal(ConnectionState.Closed, first.State);
        Assert.Equal(0, first.Reconnects);
        Assert.Equal(joined.EntityId, again.EntityId);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OverTheHub_ABadToken_IsRefusedWith401AtNegotiate(string transport)
    {
        var options = Options(transport);
        options.AccessToken = "not-a-token";
        await using var client = host.NewClient(options);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.ConnectAsync(host.WebSocketUri));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    [Fact]
    public void HubUrl_MapsTheGameEndpointToTheHub_AndKeepsOtherPaths()
    {
        Assert.Equal(new Uri("http://127.0.0.1:5000/hub"), SignalRTransport.HubUrl(new Uri("ws://127.0.0.1:5000/ws")));
        Assert.Equal(new Uri("https://game.example/eu/hub?x=1"), SignalRTransport.HubUrl(new Uri("wss://game.example/eu/ws?x=1")));
        Assert.Equal(new Uri("http://127.0.0.1:5000/hub"), SignalRTransport.HubUrl(new Uri("http://127.0.0.1:5000/")));
        Assert.Equal(new Uri("https://game.example/custom/hub"), SignalRTransport.HubUrl(new Uri("https://game.example/custom/hub")));
        Assert.Equal("sse", SignalRTransport.ServerSentEvents.Name);
        Assert.Equal("longpolling", SignalRTransport.LongPolling.Name);
        Assert.Equal("websocket", new GameClientOptions().Transport.Name);
    }

    [Fact]
    public async Task ACustomTransport_CarriesTheGame_AndEachReconnectGetsANewConnectionFromIt()
    {
        var transport = new CountingTransport();
        await using var client = host.NewClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, Transport = transport });
        await client.ConnectAsync(host.WebSocketUri);
        var welcome = await client.JoinAsync(ArenaGame);
        await Wait.UntilAsync(() => client.SnapshotsReceived >= 3, "snapshots arrive through the transport");

        client.DropConnection();
        await Wait.UntilAsync(() => client.Resumes == 1 && client.State == ConnectionState.InRoom, "the client resumes through a new connection");

        Assert.Equal(welcome.EntityId, client.Room!.EntityId);
        await client.CloseAsync(); // the receive loop ends: the byte counts stop moving
        Assert.Equal(2, transport.Created);
        Assert.True(client.WireBytesReceived > client.BytesReceived);
        Assert.Equal(client.WireBytesReceived, transport.WireBytes);
        Assert.Equal([ProtocolVersion.SubProtocolV2, ProtocolVersion.SubProtocol], transport.Offered);
    }

    private static GameClientOptions Options(string transport) => new()
    {
        StateDelta = ArenaDelta.Instance,
        Transport = transport == "sse" ? SignalRTransport.ServerSentEvents : SignalRTransport.LongPolling,
    };

    private static GameClientOptions WithToken(GameClientOptions options, string token)
    {
        options.AccessToken = token;
        return options;
    }

    private static ArenaEntity[] Latest(ConcurrentQueue<Snapshot> view) =>
        view.LastOrDefault() is { } s ? ArenaState.Read(s.GameState) : [];

    /// <summary>The WebSocket transport, counting what goes through the seam.</summary>
    private sealed class CountingTransport : ClientTransport
    {
        private int _created;
        private long _wireBytes;

        public int Created => Volatile.Read(ref _created);

        public long WireBytes => Interlocked.Read(ref _wireBytes);

        public IReadOnlyList<string> Offered { get; private set; } = [];

        public override string Name => "counting";

        public override ClientConnection CreateConnection()
        {
            Interlocked.Increment(ref _created);
            return new Counting(this, WebSocket.CreateConnection());
        }

        private sealed class Counting(CountingTransport owner, ClientConnection inner) : ClientConnection
        {
            public override string? SubProtocol => inner.SubProtocol;

            public override int? CloseStatus => inner.CloseStatus;

            public override string? CloseStatusDescription => inner.CloseStatusDescription;

            public override Task ConnectAsync(
                Uri endpoint, IReadOnlyList<string> subProtocols, string? accessToken, GameClientOptions options, CancellationToken cancellationToken)
            {
                owner.Offered = [.. subProtocols];
                return inner.ConnectAsync(endpoint, subProtocols, accessToken, options, cancellationToken);
            }

            public override ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken) => inner.ReceiveAsync(cancellationToken);

            public override Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) => inner.SendAsync(frame, cancellationToken);

            public override Task CloseAsync(int code, string reason, CancellationToken cancellationToken) => inner.CloseAsync(code, reason, cancellationToken);

            public override void Abort() => inner.Abort();

            public override int WireBytes(int frameLength)
            {
                var bytes = inner.WireBytes(frameLength);
                Interlocked.Add(ref owner._wireBytes, bytes);
                return bytes;
            }

            protected override void Dispose(bool disposing) => inner.Dispose();
        }
    }
}
