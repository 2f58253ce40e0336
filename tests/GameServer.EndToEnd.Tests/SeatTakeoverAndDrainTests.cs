using System.Net.WebSockets;
using GameServer.Abstractions;
using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using Microsoft.Extensions.DependencyInjection;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The edge's side of seats over real sockets: one seat, one connection (a resume or a second join elsewhere closes the
/// stale one with 4004), resume tokens bound to the authenticated player, and a draining edge closing its players with 4003.
/// </summary>
[CheckLogs]
public sealed class SeatTakeoverAndDrainTests
{
    [Fact]
    public async Task ResumingOnASecondConnection_ClosesTheFirstWith4004_AndKeepsTheSameEntity()
    {
        await using var host = await TestHost.StartAsync("Production");
        var token = host.NewToken("takeover-player");
        await using var first = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = token });
        int? firstCloseCode = null;
        first.Closed += (status, _) => firstCloseCode = (int?)status;
        await first.ConnectAsync(host.WebSocketUri);
        var joined = await first.JoinAsync("arena");

        await using var second = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = token });
        await second.ConnectAsync(host.WebSocketUri);
        var resumed = await second.ResumeAsync(joined.RoomId, joined.ResumeToken);

        Assert.True(resumed.Resumed);
        Assert.Equal(joined.EntityId, resumed.EntityId);
        Assert.NotEqual(joined.ResumeToken, resumed.ResumeToken);
        await Wait.UntilAsync(() => firstCloseCode == CloseCode.SessionTakenOver, "the first connection is closed with 4004");
        // 4004 means "don't come back": the first client must not reconnect and steal the seat back.
        Assert.Equal(0, first.Reconnects);
        var before = second.SnapshotsReceived;
        await Wait.UntilAsync(() => second.SnapshotsReceived >= before + 5, "the resumed connection keeps receiving snapshots");
    }

    [Fact]
    public async Task JoiningAgainWithTheSameToken_TakesTheSeatOver_ClosesTheFirstConnectionWith4004_AndTheNewOnesInputsCountFrom1()
    {
        await using var host = await TestHost.StartAsync("Production");
        var token = host.NewToken("two-tabs");
        await using var first = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = token });
        int? firstCloseCode = null;
        first.Closed += (status, _) => firstCloseCode = (int?)status;
        await first.ConnectAsync(host.WebSocketUri);
        var joined = await first.JoinAsync("arena");
        for (var i = 0; i < 5; i++)
        {
            await first.SendInputAsync(new ArenaInput(1, 0).ToPayload());
        }
        await Wait.UntilAsync(() => first.LastAckedSeq == 5, "the first connection's inputs are acknowledged");

        await using var second = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = token });
        await second.ConnectAsync(host.WebSocketUri);
        var again = await second.JoinAsync("arena");

        // One seat: the same room and entity (the player keeps their place in the game), a fresh input count.
        Assert.Equal(joined.RoomId, again.RoomId);
        Assert.Equal(joined.EntityId, again.EntityId);
        Assert.False(again.Resumed);
        Assert.NotEqual(joined.ResumeToken, again.ResumeToken);
        await Wait.UntilAsync(() => firstCloseCode == CloseCode.SessionTakenOver, "the first connection is closed with 4004");
        Assert.Equal(0, first.Reconnects);
        Assert.Equal(ConnectionState.Closed, first.State);
        await second.SendInputAsync(new ArenaInput(0, 1).ToPayload());
        await Wait.UntilAsync(() => second.LastAckedSeq == 1, "the new connection's first input is acknowledged as 1");
        var room = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(again.RoomId).GetInfo();
        Assert.Equal(1, room.Players);
    }

    [Fact]
    public async Task AResumeToken_IsUselessToAnotherPlayer()
    {
        await using var host = await TestHost.StartAsync("Production");
        await using var owner = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken("owner") });
        await owner.ConnectAsync(host.WebSocketUri);
        var joined = await owner.JoinAsync("arena");

        await using var thief = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken("thief") });
        await thief.ConnectAsync(host.WebSocketUri);
        var refused = await Assert.ThrowsAsync<GameServerException>(() => thief.ResumeAsync(joined.RoomId, joined.ResumeToken));

        Assert.Equal(ErrorCode.ResumeExpired, refused.Code);
        Assert.Equal(ConnectionState.InRoom, owner.State);
        Assert.Equal(ConnectionState.Connected, thief.State);
    }

    [Fact]
    public async Task ADrainingEdge_ClosesItsPlayersWith4003()
    {
        var host = await TestHost.StartAsync("Production");
        await using var client = new GameClient(new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            AccessToken = host.NewToken(),
            Reconnect = new ReconnectOptions { Enabled = false },
        });
        WebSocketCloseStatus? closedWith = null;
        client.Closed += (status, _) => closedWith = status;
        await client.ConnectAsync(host.WebSocketUri);
        await client.JoinAsync("arena");

        await host.DisposeAsync();

        await Wait.UntilAsync(() => closedWith is not null, "the client is closed");
        Assert.Equal(CloseCode.Draining, (int)closedWith!.Value);
        Assert.True(CloseCode.ShouldReconnect(CloseCode.Draining));
    }
}
