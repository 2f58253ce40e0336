using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GameServer.Abstractions;
using GameServer.Protocol;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// Private rooms with codes, matchmaking by criteria and the lobby list over real sockets, each test on a host of its
/// own (code-guess budgets are per address, and 127.0.0.1 is every test's address).
/// </summary>
[CheckLogs]
public sealed class PrivateRoomsAndLobbyTests
{
    private static readonly Dictionary<string, string?> s_roomyLimits = new()
    {
        ["Edge:CodeAttemptsPerMinutePerIp"] = "1000",
        ["Edge:CodeAttemptsPerMinute"] = "100",
    };

    [Fact]
    public async Task APrivateRoom_IsJoinedByItsCode_AndNeverGetsAMatchmadePlayer_NorAppearsInTheLobby()
    {
        await using var host = await TestHost.StartAsync("Development", s_roomyLimits);
        await using var alice = await RoomSocket.ConnectAsync(host, Player("alice"));
        await using var bob = await RoomSocket.ConnectAsync(host, Player("bob"));
        await using var carol = await RoomSocket.ConnectAsync(host, Player("carol"));

        var created = Assert.IsType<Welcome>(await alice.AskAsync(new Create("arena", Private: true)));
        var code = created.RoomCode!;
        // Typed the way a friend might: lower case, with a dash.
        var joined = Assert.IsType<Welcome>(await bob.AskAsync(new JoinByCode(code[..3].ToLowerInvariant() + "-" + code[3..])));
        var matchmade = Assert.IsType<Welcome>(await carol.AskAsync(new Join("arena")));

        Assert.Matches($"^[{RoomCodes.Alphabet}]{{6}}$", code);
        Assert.Equal((created.RoomId, code), (joined.RoomId, joined.RoomCode));
        Assert.Equal("ffa", created.Properties!["mode"]);
        Assert.NotEqual(created.RoomId, matchmade.RoomId);
        Assert.Null(matchmade.RoomCode);
        await alice.WaitForEntitiesAsync(2);
        await bob.WaitForEntitiesAsync(2);
        Assert.Equal([created.EntityId, joined.EntityId], bob.SeenEntities.Order());
        await Wait.UntilAsync(async () => (await LobbyAsync(host, "type=arena")).Rooms.Any(r => r.RoomId == matchmade.RoomId), "carol's public room is listed");
        Assert.DoesNotContain((await LobbyAsync(host, "type=arena")).Rooms, r => r.RoomId == created.RoomId);
    }

    [Fact]
    public async Task WrongCodes_GetError15_AndAttemptsAreLimitedPerConnectionAndPerAddress()
    {
        await using var host = await TestHost.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Edge:CodeAttemptsPerMinute"] = "3",
            ["Edge:CodeAttemptsPerMinutePerIp"] = "5",
        });
        await using var first = await RoomSocket.ConnectAsync(host, Player("guesser"));
        await using var second = await RoomSocket.ConnectAsync(host, Player("guesser2"));

        // A well-formed code nobody holds, a malformed one (look-alikes are not in the alphabet), then one too many.
        var answers = new List<ServerMessage>
        {
            await first.AskAsync(new JoinByCode("ABCDEF")),
            await first.AskAsync(new JoinByCode("0O1IL!")),
            await first.AskAsync(new JoinByCode("ZZZZZZ")),
            await first.AskAsync(new JoinByCode("YYYYYY")),
            // The same address on another connection: two attempts left of its five, then none.
            await second.AskAsync(new JoinByCode("XXXXXX")),
            await second.AskAsync(new JoinByCode("WWWWWW")),
            await second.AskAsync(new JoinByCode("VVVVVV")),
        };

        Assert.Equal(
            [ErrorCode.RoomCodeUnknown, ErrorCode.RoomCodeUnknown, ErrorCode.RoomCodeUnknown, ErrorCode.TooManyCodeGuesses,
             ErrorCode.RoomCodeUnknown, ErrorCode.RoomCodeUnknown, ErrorCode.TooManyCodeGuesses],
            answers.Select(a => Assert.IsType<Error>(a).Code));
        Assert.Contains("ABCDEF", ((Error)answers[0]).Message, StringComparison.Ordinal);
        Assert.Contains("per connection", ((Error)answers[3]).Message, StringComparison.Ordinal);
        // Still connected and able to play: the limit refuses guesses, not the player.
        Assert.IsType<Welcome>(await second.AskAsync(new Join("arena")));
    }

    [Fact]
    public async Task Criteria_KeepDuelAndFfaPlayersApart_AndAPropertyOrValueTheTypeDoesNotDeclareIsRefusedByName()
    {
        await using var host = await TestHost.StartAsync("Development");
        await using var duelist = await RoomSocket.ConnectAsync(host, Player("duelist"));
        await using var brawler = await RoomSocket.ConnectAsync(host, Player("brawler"));
        await using var secondDuelist = await RoomSocket.ConnectAsync(host, Player("duelist2"));
        await using var confused = await RoomSocket.ConnectAsync(host, Player("confused"));

        var duel = Assert.IsType<Welcome>(await duelist.AskAsync(new Join("arena", null, Props("mode", "duel"))));
        var ffa = Assert.IsType<Welcome>(await brawler.AskAsync(new Join("arena", null, Props("mode", "ffa"))));
        var duelAgain = Assert.IsType<Welcome>(await secondDuelist.AskAsync(new Join("arena", null, Props("MODE", "Duel"))));
        var badValue = Assert.IsType<Error>(await confused.AskAsync(new Join("arena", null, Props("mode", "solo"))));
        var badName = Assert.IsType<Error>(await confused.AskAsync(new Join("arena", null, Props("color", "red"))));

        Assert.NotEqual(duel.RoomId, ffa.RoomId);
        Assert.Equal(duel.RoomId, duelAgain.RoomId);
        Assert.Equal(("duel", "ffa", "duel"), (duel.Properties!["mode"], ffa.Properties!["mode"], duelAgain.Properties!["mode"]));
        Assert.Equal((ErrorCode.InvalidJoin, ErrorCode.InvalidJoin), (badValue.Code, badName.Code));
        Assert.Contains("'mode' = 'solo'", badValue.Message, StringComparison.Ordinal);
        Assert.Contains("ffa, duel", badValue.Message, StringComparison.Ordinal);
        Assert.Contains("'color'", badName.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredPropertyValues_ReplaceTheGamesOwn_TheFirstBeingTheDefault()
    {
        await using var host = await TestHost.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Rooms:arena:Properties:mode:0"] = "practice",
            ["Rooms:arena:Properties:mode:1"] = "duel",
        });
        await using var plain = await RoomSocket.ConnectAsync(host, Player("plain"));
        await using var ffa = await RoomSocket.ConnectAsync(host, Player("ffa"));

        var byDefault = Assert.IsType<Welcome>(await plain.AskAsync(new Join("arena")));
        var refused = Assert.IsType<Error>(await ffa.AskAsync(new Join("arena", null, Props("mode", "ffa"))));

        Assert.Equal("practice", byDefault.Properties!["mode"]);
        Assert.Contains("allowed: practice, duel", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLobby_ListsOpenPublicRooms_AndStopsListingFullAndClosedOnes()
    {
        await using var host = await TestHost.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Rooms:arena:MaxPlayers"] = "2",
            ["Rooms:arena:EmptyRoomGraceSeconds"] = "0",
        });
        await using var first = await RoomSocket.ConnectAsync(host, Player("first"));
        var open = Assert.IsType<Welcome>(await first.AskAsync(new Join("arena", null, Props("mode", "duel"))));

        var listed = await WaitForLobbyAsync(host, "type=arena&mode=duel", page => page.Rooms.Any(r => r.RoomId == open.RoomId), "the open duel room is listed");
        var room = listed.Rooms.Single(r => r.RoomId == open.RoomId);
        Assert.Equal((1, 2, "duel", "waiting"), (room.Players, room.Capacity, room.Properties["mode"], room.Metadata["phase"]));
        Assert.DoesNotContain((await LobbyAsync(host, "type=arena&mode=ffa")).Rooms, r => r.RoomId == open.RoomId);

        // Full: no longer listed.
        await using (var second = await RoomSocket.ConnectAsync(host, Player("second")))
        {
            Assert.Equal(open.RoomId, Assert.IsType<Welcome>(await second.AskAsync(new Join("arena", null, Props("mode", "duel")))).RoomId);
            await WaitForLobbyAsync(host, "type=arena&mode=duel", page => page.Rooms.All(r => r.RoomId != open.RoomId), "the full room is not listed");
        }

        // One seat free again (the second player closed with 1000, which frees the seat): listed; then empty and closed: gone.
        await WaitForLobbyAsync(host, "type=arena&mode=duel", page => page.Rooms.Any(r => r.RoomId == open.RoomId && r.Players == 1), "the room with a free seat is listed again");
        Assert.IsType<Left>(await first.AskAsync(new Leave()));
        await WaitForLobbyAsync(host, "type=arena", page => page.Rooms.All(r => r.RoomId != open.RoomId), "the closed room is not listed");
    }

    [Theory]
    [InlineData("", HttpStatusCode.BadRequest, "type is required")]
    [InlineData("type=arena&limit=500", HttpStatusCode.BadRequest, "limit must be")]
    [InlineData("type=arena&color=red", HttpStatusCode.BadRequest, "'color'")]
    [InlineData("type=nosuchgame", HttpStatusCode.BadRequest, "nosuchgame")]
    public async Task TheLobby_RefusesABadQuery_NamingTheParameter(string query, HttpStatusCode status, string named)
    {
        await using var host = await TestHost.StartAsync("Development");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.HttpUri, "/rooms?" + query));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.NewToken());

        using var response = await http.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLobby_WithoutAToken_Is401()
    {
        await using var host = await TestHost.StartAsync("Development");
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(host.HttpUri, "/rooms?type=arena"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static string Player(string name) => $"{name}-{Guid.NewGuid():N}"[..20];

    private static Dictionary<string, string> Props(string name, string value) => new() { [name] = value };

    private static async Task<LobbyPage> WaitForLobbyAsync(TestHost host, string query, Func<LobbyPage, bool> condition, string what)
    {
        LobbyPage? page = null;
        await Wait.UntilAsync(async () => condition(page = await LobbyAsync(host, query)), what);
        return page!;
    }

    /// <summary>GET /rooms as a player would, read back into the matchmaker's record.</summary>
    internal static async Task<LobbyPage> LobbyAsync(TestHost host, string query) => await LobbyAsync(host.HttpUri, host.NewToken(), query);

    internal static async Task<LobbyPage> LobbyAsync(Uri edge, string token, string query)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(edge, "/rooms?" + query));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        var rooms = json.RootElement.GetProperty("rooms").EnumerateArray().Select(r => new LobbyRoom(
            r.GetProperty("roomId").GetString()!,
            r.GetProperty("players").GetInt32(),
            r.GetProperty("capacity").GetInt32(),
            r.GetProperty("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            r.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!))).ToArray();
        return new LobbyPage(rooms, json.RootElement.GetProperty("total").GetInt32());
    }
}
