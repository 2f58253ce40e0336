using System.Collections.Concurrent;
using System.Net.WebSockets;
using GameServer.Client;
using GameServer.Protocol;
using MessagePack;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The SDK's side of games beyond the arena, on real sockets against a <see cref="ScriptedServer"/> (answers a test
/// chooses: a resume that sends events again, a refusal, a kick): join options, the welcome's role and view, game
/// events raised once each, the game's words for a refusal, a kick and a room it ended.
/// </summary>
[CheckLogs]
public sealed class ClientGameEventsTests
{
    private const string TagGame = "tag";
    private const int Entity = 4;
    private static readonly Dictionary<string, string> s_red = new() { ["team"] = "red" };

    [Fact]
    public async Task GameEvents_AreRaisedOnceEachInOrder_AcrossAResume_AndCountAgainFromOneInANewRoom()
    {
        var firstJoin = new TaskCompletionSource<Join>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
        {
            if (index == 0)
            {
                firstJoin.TrySetResult(Assert.IsType<Join>(await connection.ReceiveAsync()));
                await connection.SendAsync(TagWelcome("tag:one", "t1"));
                await connection.SendSnapshotAsync(11, Entity, 0);
                await connection.SendAsync(new Events(11, [Event(1, 10, "welcome"), Event(2, 11, "swap")]));
                await connection.SendSnapshotAsync(12, Entity, 0);
                await connection.SendAsync(new Events(12, [Event(2, 11, "swap"), Event(3, 12, "tag")])); // 2 again
                await connection.CloseAsync(CloseCode.Draining, "draining");
            }
            else
            {
                Assert.IsType<Resume>(await connection.ReceiveAsync());
                await connection.SendAsync(TagWelcome("tag:one", "t2") with { Resumed = true });
                await connection.SendSnapshotAsync(13, Entity, 0);
                // After a resume the server may send again what the dropped connection had already delivered.
                await connection.SendAsync(new Events(13, [Event(3, 12, "tag"), Event(4, 13, "spotted")]));
                await connection.SendAsync(new Left("tag:one", "room-ended", "Red wins 5-3."));
                Assert.IsType<Join>(await connection.ReceiveAsync());
                await connection.SendAsync(TagWelcome("tag:two", "t3"));
                await connection.SendSnapshotAsync(1, Entity, 0);
                await connection.SendAsync(new Events(1, [Event(1, 1, "welcome")]));
            }
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new GameClient();
        var events = new ConcurrentQueue<string>();
        var lefts = new ConcurrentQueue<Left>();
        client.GameEventReceived += e => events.Enqueue($"{e.Seq}@{e.Tick} {MessagePackSerializer.Deserialize<string>(e.Payload)}");
        client.LeftRoom += lefts.Enqueue;
        await client.ConnectAsync(server.WebSocketUri);

        var welcome = await client.JoinAsync(TagGame, null, s_red);

        var join = await firstJoin.Task.WaitAsync(Wait.Timeout);
        Assert.Equal(TagGame, join.RoomType);
        Assert.Equal(s_red, MessagePackSerializer.Deserialize<Dictionary<string, string>>(join.Options));
        Assert.Equal(("red", 1), (welcome.Role, welcome.View));
        Assert.Equal(("red", 1), (client.Role, client.View));
        await Wait.UntilAsync(() => lefts.Count == 1, "the game ends the room after the resume");
        var ended = Assert.Single(lefts);
        Assert.Equal(("room-ended", "Red wins 5-3."), (ended.Reason, ended.Message));
        Assert.Null(client.Role);
        Assert.Equal(0, client.View);
        Assert.Equal(1, client.Resumes);

        await client.JoinAsync(TagGame, null, s_red);
        await Wait.UntilAsync(() => events.Count == 5, "the new room's first event");

        Assert.Equal(["1@10 welcome", "2@11 swap", "3@12 tag", "4@13 spotted", "1@1 welcome"], events);
        Assert.Equal(5, client.GameEventsReceived);
        Assert.Equal(2, client.GameEventsDuplicated);
    }

    [Fact]
    public async Task AJoinTheGameRefuses_ThrowsJoinRefusedWithTheGamesReason_AndTheClientStaysConnected()
    {
        const string why = "Unknown team 'green': pick red or blue.";
        await using var server = await ScriptedServer.StartAsync(async (connection, _) =>
        {
            var join = Assert.IsType<JoinByCode>(await connection.ReceiveAsync());
            var team = MessagePackSerializer.Deserialize<Dictionary<string, string>>(join.Options)["team"];
            await connection.SendAsync(new Error(ErrorCode.JoinRefused, $"Unknown team '{team}': pick red or blue."));
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new GameClient();
        var errors = new ConcurrentQueue<Error>();
        client.ErrorReceived += errors.Enqueue;
        await client.ConnectAsync(server.WebSocketUri);

        var refused = await Assert.ThrowsAsync<GameServerException>(
            () => client.JoinByCodeAsync("ABC234", new Dictionary<string, string> { ["team"] = "green" }));

        Assert.Equal(ErrorCode.JoinRefused, refused.Code);
        Assert.Equal(why, refused.Reason);
        Assert.Contains(why, refused.Message);
        await Wait.UntilAsync(() => errors.Count == 1, "the error event");
        Assert.Equal(new Error(ErrorCode.JoinRefused, why), Assert.Single(errors));
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Null(client.Room);
    }

    [Fact]
    public async Task AKick_ClosesForGoodWithTheGamesReason_LeavesTheRoom_AndDoesNotReconnect()
    {
        await using var server = await ScriptedServer.StartAsync(async (connection, _) =>
        {
            Assert.IsType<Join>(await connection.ReceiveAsync());
            await connection.SendAsync(TagWelcome("tag:one", "t1"));
            await connection.CloseAsync(CloseCode.Kicked, "Idle for 30 s.");
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new GameClient(new GameClientOptions { Reconnect = { MaxAttempts = 5 } });
        var closed = new TaskCompletionSource<(WebSocketCloseStatus?, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lefts = new ConcurrentQueue<Left>();
        var reconnecting = 0;
        client.Closed += (status, reason) => closed.TrySetResult((status, reason));
        client.LeftRoom += lefts.Enqueue;
        client.Reconnecting += _ => Interlocked.Increment(ref reconnecting);
        await client.ConnectAsync(server.WebSocketUri);
        await client.JoinAsync(TagGame, null, s_red);

        var (status, reason) = await closed.Task.WaitAsync(Wait.Timeout);

        Assert.Equal(CloseCode.Kicked, (int?)status);
        Assert.Equal("Idle for 30 s.", reason);
        Assert.Equal(new Left("tag:one", "kicked", "Idle for 30 s."), Assert.Single(lefts));
        Assert.Equal(0, Volatile.Read(ref reconnecting));
        Assert.Equal(1, server.Connections);
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.Null(client.Room);
        Assert.Equal("Idle for 30 s.", client.CloseStatusDescription);
    }

    [Fact]
    public async Task JoinOptions_OverTheServersLimit_AreRefusedBeforeSending()
    {
        await using var client = new GameClient();
        var big = new Dictionary<string, string> { ["team"] = new string('r', JoinOptions.MaxBytes) };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => client.JoinAsync(TagGame, null, big));

        Assert.Equal("options", refused.ParamName);
        Assert.Contains(JoinOptions.MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Message);
    }

    private static Welcome TagWelcome(string roomId, string token) =>
        new("p-test", roomId, TagGame, Entity, 20, 1, 10, token, 8, ReconnectGraceSeconds: 30, Role: "red", View: 1);

    private static GameEvent Event(long seq, long tick, string what) => new(seq, tick, MessagePackSerializer.Serialize(what));
}
