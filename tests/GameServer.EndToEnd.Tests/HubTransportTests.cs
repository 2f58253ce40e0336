using GameServer.Protocol;
using GameServer.Protocol.Arena;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The fallback hub on each SignalR transport, with a bare hub client over real sockets: the same frames, version
/// choice, inputs acknowledged, closes with the protocol's codes, and a seat resumed after a drop.
/// </summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class HubTransportTests(HostFixture fixture)
{
    public static TheoryData<string> Transports() => new() { "sse", "longpolling", "websockets" };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OpenTellsTheVersion_V1WhenNoneIsOffered_V2WhenOffered(string transport)
    {
        await using var plain = await HubSocket.ConnectAsync(fixture.Host, transport);
        await using var offering = await HubSocket.ConnectAsync(fixture.Host, transport, subProtocols: $"{ProtocolVersion.SubProtocolV2},{ProtocolVersion.SubProtocol}");

        Assert.Equal(ProtocolVersion.SubProtocol, plain.SubProtocol);
        Assert.Equal(ProtocolVersion.SubProtocolV2, offering.SubProtocol);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task APlayerJoins_GetsSnapshots_AndItsInputsAreAcknowledged(string transport)
    {
        await using var hub = await HubSocket.ConnectAsync(fixture.Host, transport);

        var welcome = Assert.IsType<Welcome>(await hub.AskAsync(new Join("arena")));
        await hub.SendAsync(new Input(1, welcome.CurrentTick, new ArenaInput(1, 0).ToPayload()));
        await hub.SendAsync(new Input(2, welcome.CurrentTick, new ArenaInput(1, 0).ToPayload()));

        uint acked = 0;
        using var bound = new CancellationTokenSource(Wait.Timeout);
        while (acked < 2)
        {
            if (await hub.ReceiveAsync().WaitAsync(bound.Token) is Snapshot snapshot)
            {
                acked = snapshot.AckFor(welcome.EntityId);
                Assert.Contains(ArenaState.Read(snapshot.GameState), e => e.EntityId == welcome.EntityId);
            }
        }
        Assert.Equal(2u, acked);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ABadFrame_GetsTheErrorThenTheProtocolsClose(string transport)
    {
        await using var hub = await HubSocket.ConnectAsync(fixture.Host, transport);

        await hub.SendFrameAsync([0x93, 0xff, 0x00, 0x01]);

        var error = Assert.IsType<Error>(await hub.ReceiveAsync());
        var (code, reason) = await hub.Closed.WaitAsync(Wait.Timeout);
        Assert.Equal(ErrorCode.MalformedMessage, error.Code);
        Assert.Equal(CloseCode.InvalidPayload, code);
        Assert.False(string.IsNullOrEmpty(reason));
        await hub.Ended.WaitAsync(Wait.Timeout);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AFrameOverTheSizeLimit_IsClosedWith1009(string transport)
    {
        await using var hub = await HubSocket.ConnectAsync(fixture.Host, transport);

        await hub.SendFrameAsync(new byte[5000]);

        var (code, reason) = await hub.Closed.WaitAsync(Wait.Timeout);
        Assert.Equal(CloseCode.MessageTooBig, code);
        Assert.Contains("4096", reason);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ADroppedHubConnection_KeepsTheSeat_AndANewOneResumesIt(string transport)
    {
        var playerId = "hub-resume-" + transport;
        var first = await HubSocket.ConnectAsync(fixture.Host, transport, playerId);
        var welcome = Assert.IsType<Welcome>(await first.AskAsync(new Join("arena")));
        await first.DropAsync();
        await first.DisposeAsync();

        await using var second = await HubSocket.ConnectAsync(fixture.Host, transport, playerId);
        var resumed = Assert.IsType<Welcome>(await second.AskAsync(new Resume(welcome.RoomId, welcome.ResumeToken)));

        Assert.True(resumed.Resumed);
        Assert.Equal(welcome.EntityId, resumed.EntityId);
        Assert.Equal(welcome.RoomId, resumed.RoomId);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AClientClose1000_FreesTheSeatAtOnce(string transport)
    {
        var playerId = "hub-quit-" + transport;
        var first = await HubSocket.ConnectAsync(fixture.Host, transport, playerId);
        var welcome = Assert.IsType<Welcome>(await first.AskAsync(new Join("arena")));
        await first.CloseAsync(CloseCode.Normal, "bye");
        var (code, _) = await first.Closed.WaitAsync(Wait.Timeout);
        await first.DisposeAsync();

        await using var second = await HubSocket.ConnectAsync(fixture.Host, transport, playerId);
        var answer = await second.AskAsync(new Resume(welcome.RoomId, welcome.ResumeToken));

        Assert.Equal(CloseCode.Normal, code);
        Assert.IsType<Error>(answer);
    }
}
