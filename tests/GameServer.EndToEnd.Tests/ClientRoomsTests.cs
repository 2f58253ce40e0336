using System.Collections.Concurrent;
using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The SDK's room operations over real sockets: private rooms (create, then join by code), matchmaking criteria (a
/// duel player never shares a room with an ffa one), and a wrong code refused.
/// </summary>
[CheckLogs]
public sealed class ClientRoomsTests(ClientRoomsTests.RoomsHost host) : IClassFixture<ClientRoomsTests.RoomsHost>
{
    private const string ArenaGame = "arena";

    [Fact]
    public async Task CreateRoomAsync_Private_GivesASixCharacterCode_AFriendJoinsByIt_AndBothSeeEachOther()
    {
        await using var creator = host.NewClient();
        await using var friend = host.NewClient();
        var creatorView = new ConcurrentQueue<Snapshot>();
        var friendView = new ConcurrentQueue<Snapshot>();
        creator.SnapshotReceived += creatorView.Enqueue;
        friend.SnapshotReceived += friendView.Enqueue;
        await creator.ConnectAsync(host.WebSocketUri);
        await friend.ConnectAsync(host.WebSocketUri);

        var created = await creator.CreateRoomAsync(ArenaGame, isPrivate: true);
        var code = Assert.IsType<string>(created.RoomCode);
        var joined = await friend.JoinByCodeAsync(code);

        Assert.Equal(6, code.Length);
        Assert.Equal(code, creator.RoomCode);
        Assert.Equal(created.RoomId, joined.RoomId);
        Assert.Equal(code, joined.RoomCode);
        Assert.Equal(code, friend.RoomCode);
        Assert.NotEqual(created.EntityId, joined.EntityId);
        int[] both = [created.EntityId, joined.EntityId];
        await Wait.UntilAsync(() => Sees(creatorView, both), "the creator sees both players");
        await Wait.UntilAsync(() => Sees(friendView, both), "the friend sees both players");
    }

    [Fact]
    public async Task JoinAsync_Matchmaking_NeverLandsInAPrivateRoom()
    {
        await using var creator = host.NewClient();
        await using var stranger = host.NewClient();
        await creator.ConnectAsync(host.WebSocketUri);
        await stranger.ConnectAsync(host.WebSocketUri);

        var created = await creator.CreateRoomAsync(ArenaGame, isPrivate: true);
        var matched = await stranger.JoinAsync(ArenaGame);

        Assert.NotEqual(created.RoomId, matched.RoomId);
        Assert.Null(matched.RoomCode);
        Assert.Null(stranger.RoomCode);
    }

    [Fact]
    public async Task JoinAsync_WithDifferentModes_LandsInDifferentRoomsWithThoseModes()
    {
        await using var duelist = host.NewClient();
        await using var brawler = host.NewClient();
        await duelist.ConnectAsync(host.WebSocketUri);
        await brawler.ConnectAsync(host.WebSocketUri);

        var duel = await duelist.JoinAsync(ArenaGame, new Dictionary<string, string> { ["mode"] = "duel" });
        var ffa = await brawler.JoinAsync(ArenaGame, new Dictionary<string, string> { ["mode"] = "ffa" });

        Assert.NotEqual(duel.RoomId, ffa.RoomId);
        Assert.Equal("duel", Assert.IsAssignableFrom<IReadOnlyDictionary<string, string>>(duel.Properties)["mode"]);
        Assert.Equal("ffa", Assert.IsAssignableFrom<IReadOnlyDictionary<string, string>>(ffa.Properties)["mode"]);
    }

    [Fact]
    public async Task JoinByCodeAsync_WithACodeNoRoomHas_ThrowsRoomCodeUnknown_AndTheClientStaysConnected()
    {
        await using var client = host.NewClient();
        await client.ConnectAsync(host.WebSocketUri);

        // Well formed (the server's alphabet) but, with 31^6 codes and a handful of rooms, not open.
        var refused = await Assert.ThrowsAsync<GameServerException>(() => client.JoinByCodeAsync("ZZZZZZ"));

        Assert.Equal(ErrorCode.RoomCodeUnknown, refused.Code);
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Null(client.Room);
        var matched = await client.JoinAsync(ArenaGame);
        Assert.Equal(ConnectionState.InRoom, client.State);
        Assert.Equal(matched.RoomId, client.Room!.RoomId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithRejoinAfterResumeFailure_ALostSeat_GoesBackByCodeToAPrivateRoom_AndByMatchmakingInTheSameModeToAPublicOne_WithTheSameJoinOptions(bool privateRoom)
    {
        // A scripted server: the real one cannot be made to refuse a resume while the room stays open on demand.
        var rejoin = new TaskCompletionSource<ClientMessage?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var duel = new Dictionary<string, string> { ["mode"] = "duel" };
        var blue = new Dictionary<string, string> { ["team"] = "blue" };
        var welcome = new Welcome("p-test", "arena:test", ArenaGame, 3, 20, 1, 10, "t1", 2, ReconnectGraceSeconds: 30,
            RoomCode: privateRoom ? "ABC234" : null, Properties: duel);
        await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
        {
            if (index == 0)
            {
                await connection.ReceiveAsync();
                await connection.SendAsync(welcome);
                await connection.CloseAsync(CloseCode.Draining, "draining");
            }
            else
            {
                Assert.IsType<Resume>(await connection.ReceiveAsync());
                await connection.SendAsync(new Error(ErrorCode.ResumeExpired, "seat gone"));
                rejoin.TrySetResult(await connection.ReceiveAsync());
            }
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, Reconnect = { RejoinAfterResumeFailure = true } });
        await client.ConnectAsync(server.WebSocketUri);
        _ = privateRoom ? await client.CreateRoomAsync(ArenaGame, isPrivate: true, duel, blue) : await client.JoinAsync(ArenaGame, duel, blue);

        var sent = await rejoin.Task.WaitAsync(Wait.Timeout);

        // The seat was taken with join options (a team): the rejoin asks with the same ones.
        if (privateRoom)
        {
            var byCode = Assert.IsType<JoinByCode>(sent);
            Assert.Equal("ABC234", byCode.Code);
            Assert.Equal(blue, MessagePack.MessagePackSerializer.Deserialize<Dictionary<string, string>>(byCode.Options));
        }
        else
        {
            var join = Assert.IsType<Join>(sent);
            Assert.Equal(ArenaGame, join.RoomType);
            Assert.Null(join.RoomId);
            Assert.Equal("duel", Assert.IsAssignableFrom<IReadOnlyDictionary<string, string>>(join.Properties)["mode"]);
            Assert.Equal(blue, MessagePack.MessagePackSerializer.Deserialize<Dictionary<string, string>>(join.Options));
        }
    }

    private static bool Sees(ConcurrentQueue<Snapshot> view, int[] entityIds) =>
        view.LastOrDefault() is { } latest && entityIds.All(id => ArenaState.Read(latest.GameState).Any(e => e.EntityId == id));

    /// <summary>
    /// A host of these tests' own: room codes are rate-limited per client address (every test connects from
    /// 127.0.0.1), so another class's code guesses on a shared host must not use up this class's budget.
    /// </summary>
    public sealed class RoomsHost : IAsyncLifetime
    {
        private TestHost? _host;

        /// <summary>The host; reading it puts its log under the running test's log guard.</summary>
        public TestHost Host
        {
            get
            {
                TestLogScope.Required.Watch(_host!.Logs);
                return _host;
            }
        }

        public Uri WebSocketUri => Host.WebSocketUri;

        /// <summary>A client carrying a fresh player's token (each test's players are its own).</summary>
        public GameClient NewClient() => new(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = Host.NewToken() });

        public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync("Development");

        public async Task DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
                _host.Logs.AssertNoUncheckedEntries();
            }
        }
    }
}
