using System.Collections.Concurrent;
using GameServer.Client;
using GameServer.Protocol;
using MessagePack;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The SDK playing the tag game on the real host: a team chosen by join options comes back as the welcome's role and
/// view, the game's own welcome event arrives through <see cref="GameClient.GameEventReceived"/>, and an unknown team is
/// refused with the game's words.
/// </summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class ClientTagTests(HostFixture host)
{
    private const string TagGame = "tag";

    [Fact]
    public async Task JoiningTagWithATeam_GivesThatRoleAndView_AndTheGamesWelcomeEventArrives()
    {
        await using var client = host.NewClient(new GameClientOptions { DecodeSnapshots = false });
        var events = new ConcurrentQueue<GameEvent>();
        client.GameEventReceived += events.Enqueue;
        await client.ConnectAsync(host.WebSocketUri);

        var welcome = await client.JoinAsync(TagGame, null, new Dictionary<string, string> { ["team"] = "blue" });
        await Wait.UntilAsync(() => !events.IsEmpty, "the game's welcome event");

        Assert.Equal(("blue", 2), (welcome.Role, welcome.View));
        Assert.Equal(("blue", 2), (client.Role, client.View));
        var first = events.First();
        Assert.True(first.Seq >= 1);
        var reader = new MessagePackReader(first.Payload);
        Assert.True(reader.ReadArrayHeader() >= 1);
        Assert.Equal("welcome", reader.ReadString());
        Assert.Equal(0, client.GameEventsDuplicated);
    }

    [Fact]
    public async Task CreatingAPrivateTagRoom_TheCreatorGetsTheGamesWelcomeEvent_AndAFriendGetsTheirs()
    {
        await using var red = host.NewClient();
        await using var blue = host.NewClient();
        var redEvents = new ConcurrentQueue<GameEvent>();
        var blueEvents = new ConcurrentQueue<GameEvent>();
        red.GameEventReceived += redEvents.Enqueue;
        blue.GameEventReceived += blueEvents.Enqueue;
        await red.ConnectAsync(host.WebSocketUri);
        await blue.ConnectAsync(host.WebSocketUri);

        var created = await red.CreateRoomAsync(TagGame, isPrivate: true, null, new Dictionary<string, string> { ["team"] = "red" });
        await blue.JoinByCodeAsync(created.RoomCode!, new Dictionary<string, string> { ["team"] = "blue" });

        await Wait.UntilAsync(() => redEvents.Any(e => GameEventKind.Of(e) == "welcome") && blueEvents.Any(e => GameEventKind.Of(e) == "welcome"), "each player's welcome event");
        Assert.NotEqual(redEvents.Single(e => GameEventKind.Of(e) == "welcome").Seq, blueEvents.Single(e => GameEventKind.Of(e) == "welcome").Seq);
    }

    [Fact]
    public async Task JoiningTagWithAnUnknownTeam_ThrowsJoinRefusedWithTheGamesReason()
    {
        await using var client = host.NewClient();
        await client.ConnectAsync(host.WebSocketUri);

        var refused = await Assert.ThrowsAsync<GameServerException>(
            () => client.JoinAsync(TagGame, null, new Dictionary<string, string> { ["team"] = "green" }));

        Assert.Equal(ErrorCode.JoinRefused, refused.Code);
        Assert.Equal("Unknown team 'green': pick red or blue.", refused.Reason);
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Null(client.Room);
    }
}
