using System.Collections.Concurrent;
using System.Net.WebSockets;
using GameServer.Abstractions;
using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>Real Kestrel sockets, real <see cref="ClientWebSocket"/>s through the SDK, a real silo behind the edge.</summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class GameplayTests(HostFixture host)
{
    [Fact]
    public async Task TwoPlayers_JoiningArena_ShareARoomSeeEachOtherMoveAndGetTheirInputsAcknowledged()
    {
        await using var alice = host.NewClient();
        await using var bob = host.NewClient();
        var aliceView = new ConcurrentQueue<Snapshot>();
        alice.SnapshotReceived += aliceView.Enqueue;
        await alice.ConnectAsync(host.WebSocketUri);
        await bob.ConnectAsync(host.WebSocketUri);

        // A room of their own: the shared host holds other tests' rooms, whose seats may wait for a resume.
        var aliceWelcome = await alice.JoinRoomAsync(RoomIds.New(ArenaGame));
        var bobWelcome = await bob.JoinRoomAsync(aliceWelcome.RoomId);

        Assert.Equal(aliceWelcome.RoomId, bobWelcome.RoomId);
        Assert.NotEqual(aliceWelcome.EntityId, bobWelcome.EntityId);
        Assert.Equal(20, aliceWelcome.TickRateHz);
        await Wait.UntilAsync(() => LatestEntities(aliceView).Length == 2, "alice sees both players");
        var bobStart = LatestEntities(aliceView).Single(e => e.EntityId == bobWelcome.EntityId);

        // Bob walks right; alice must see bob's x grow, and bob must see his own inputs acknowledged.
        uint lastSeq = 0;
        using var walking = new CancellationTokenSource();
        var walk = Task.Run(async () =>
        {
            while (!walking.IsCancellationRequested)
            {
                lastSeq = await bob.SendInputAsync(new ArenaInput(bobStart.X < 900 ? 1 : -1, 0).ToPayload());
                await Task.Delay(50);
            }
        });
        await Wait.UntilAsync(
            () => Math.Abs(LatestEntities(aliceView).Single(e => e.EntityId == bobWelcome.EntityId).X - bobStart.X) > 20,
            "alice sees bob move more than 20 units");
        await Wait.UntilAsync(() => bob.LastAckedSeq >= 5, "bob's inputs are acknowledged");
        walking.Cancel();
        await walk;

        Assert.Equal(0u, alice.LastAckedSeq);
        Assert.True(bob.LastAckedSeq <= lastSeq);
    }

    [Fact]
    public async Task MalformedFrame_ClosesThatConnectionWith1007_WhileTheOtherPlayerKeepsReceivingSnapshots()
    {
        await using var honest = host.NewClient();
        await using var hostile = host.NewClient();
        var errors = new ConcurrentQueue<Error>();
        hostile.ErrorReceived += errors.Enqueue;
        await honest.ConnectAsync(host.WebSocketUri);
        await hostile.ConnectAsync(host.WebSocketUri);
        var welcome = await honest.JoinRoomAsync(RoomIds.New(ArenaGame));
        await hostile.JoinRoomAsync(welcome.RoomId);
        await Wait.UntilAsync(() => honest.SnapshotsReceived > 0, "honest player receives snapshots");

        await hostile.SendRawAsync(new byte[] { 0x92, 0x02, 0xc1, 0xff, 0x00 });
        await hostile.Completion.WaitAsync(Wait.Timeout);

        Assert.Equal((WebSocketCloseStatus)CloseCode.InvalidPayload, hostile.CloseStatus);
        Assert.Contains(errors, e => e.Code == ErrorCode.MalformedMessage);
        var before = honest.SnapshotsReceived;
        await Wait.UntilAsync(() => honest.SnapshotsReceived >= before + 10, "honest player keeps receiving snapshots");
        Assert.Equal(ConnectionState.InRoom, honest.State);
    }

    [Fact]
    public async Task UnknownMessageType_ClosesWith1008AndNamesTheType()
    {
        await using var client = host.NewClient();
        var errors = new ConcurrentQueue<Error>();
        client.ErrorReceived += errors.Enqueue;
        await client.ConnectAsync(host.WebSocketUri);

        await client.SendRawAsync(new byte[] { 0x92, 0x63, 0x90 }); // [99, []]
        await client.Completion.WaitAsync(Wait.Timeout);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Contains(errors, e => e.Code == ErrorCode.UnknownMessageType && e.Message.Contains("99"));
    }

    [Fact]
    public async Task TextFrame_ClosesWith1003()
    {
        await using var client = host.NewClient();
        await client.ConnectAsync(host.WebSocketUri);

        await client.SendRawAsync("{\"join\":\"arena\"}"u8.ToArray(), WebSocketMessageType.Text);
        await client.Completion.WaitAsync(Wait.Timeout);

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, client.CloseStatus);
    }

    [Fact]
    public async Task OversizedFrame_ClosesWith1009()
    {
        await using var client = host.NewClient();
        await client.ConnectAsync(host.WebSocketUri);

        await client.SendRawAsync(new byte[64 * 1024]);
        await client.Completion.WaitAsync(Wait.Timeout);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
    }

    [Fact]
    public async Task InputBeforeJoining_GetsNotInRoom_AndTheConnectionStaysUsable()
    {
        await using var client = host.NewClient();
        var errors = new ConcurrentQueue<Error>();
        client.ErrorReceived += errors.Enqueue;
        await client.ConnectAsync(host.WebSocketUri);

        await client.SendInputAsync(new ArenaInput(1, 1).ToPayload());
        await Wait.UntilAsync(() => errors.Any(e => e.Code == ErrorCode.NotInRoom), "a NotInRoom error");
        var rtt = await client.PingAsync();
        var welcome = await client.JoinAsync(ArenaGame);

        Assert.True(rtt > TimeSpan.Zero);
        Assert.StartsWith("arena:", welcome.RoomId);
    }

    [Theory]
    [InlineData("nosuchgame", ErrorCode.UnknownRoomType)]
    [InlineData("bad type!", ErrorCode.InvalidJoin)]
    public async Task Join_WithBadRoomType_IsRefusedWithAnError(string roomType, int expectedCode)
    {
        await using var client = host.NewClient();
        await client.ConnectAsync(host.WebSocketUri);

        var error = await Assert.ThrowsAsync<GameServerException>(() => client.JoinAsync(roomType));

        Assert.Equal(expectedCode, error.Code);
        Assert.Equal(ConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task Leave_ThenJoinAgain_PutsThePlayerInARoomAsANewEntity()
    {
        await using var client = host.NewClient();
        await client.ConnectAsync(host.WebSocketUri);
        var first = await client.JoinAsync(ArenaGame);

        await client.LeaveAsync();
        var second = await client.JoinAsync(ArenaGame);

        Assert.Equal(ConnectionState.InRoom, client.State);
        Assert.NotEqual((first.RoomId, first.EntityId), (second.RoomId, second.EntityId));
    }

    private const string ArenaGame = "arena";

    private static ArenaEntity[] LatestEntities(ConcurrentQueue<Snapshot> view) =>
        view.LastOrDefault() is { } s ? ArenaState.Read(s.GameState) : [];
}
