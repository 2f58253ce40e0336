using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GameServer.Client;
using GameServer.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// Designers change tick settings on a running server through the admin API: players stay connected and their
/// measured snapshot rate follows; bad changes are refused naming the field; every change is audited.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
[CheckLogs]
public sealed class LiveSettingsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TickRateChange_From20To30AndBack_IsFollowedByConnectedPlayers_AndAudited()
    {
        await using var host = await TestHost.StartAsync("Production");
        using var admin = AdminClient(host);
        await using var alice = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken("alice") });
        await using var bob = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken("bob") });
        var notices = 0;
        alice.SettingsChanged += _ => Interlocked.Increment(ref notices);
        await alice.ConnectAsync(host.WebSocketUri);
        await bob.ConnectAsync(host.WebSocketUri);
        var roomId = (await alice.JoinAsync("arena")).RoomId;
        Assert.Equal(roomId, (await bob.JoinAsync("arena")).RoomId);
        var rate = new RateMeter(alice);
        await Wait.UntilAsync(() => rate.PerSecond() is >= 18 and <= 22, "20 snapshots/s before the change");

        var clock = Stopwatch.StartNew();
        using (var response = await admin.PutAsJsonAsync("/admin/api/room-types/arena", new { tickRateHz = 30 }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await Wait.UntilAsync(() => alice.Room?.TickRateHz == 30 && bob.Room?.TickRateHz == 30, "both players told the new rate in-band");
        var told = clock.Elapsed;
        await Wait.UntilAsync(() => rate.PerSecond() is >= 28 and <= 32, "30 snapshots/s measured by the player");
        output.WriteLine($"20 → 30 Hz: players told after {told.TotalMilliseconds:0} ms, measured rate at 30/s after {clock.Elapsed.TotalMilliseconds:0} ms");

        using (var response = await admin.PutAsJsonAsync("/admin/api/room-types/arena", new { tickRateHz = 20 }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await Wait.UntilAsync(() => rate.PerSecond() is >= 18 and <= 22, "back to 20 snapshots/s");

        Assert.Equal(ConnectionState.InRoom, alice.State);
        Assert.Equal(ConnectionState.InRoom, bob.State);
        Assert.Equal(roomId, alice.Room!.RoomId);
        Assert.True(notices >= 2);
        var audit = await admin.GetFromJsonAsync<JsonElement>("/admin/api/audit");
        var changes = audit.EnumerateArray().Where(e => e.GetProperty("target").GetString() == "arena").ToArray();
        Assert.Equal(2, changes.Length);
        Assert.All(changes, e => Assert.Equal("designer", e.GetProperty("who").GetString()));
        Assert.Equal(20, changes[0].GetProperty("before").GetProperty("tickRateHz").GetInt32());
        Assert.Equal(30, changes[0].GetProperty("after").GetProperty("tickRateHz").GetInt32());
        Assert.Equal(20, changes[1].GetProperty("after").GetProperty("tickRateHz").GetInt32());
    }

    [Fact]
    public async Task OneRoomsOverride_ChangesThatRoomOnly_AndResetFollowsTheTypeAgain()
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Rooms:arena:MaxPlayers"] = "1" });
        using var admin = AdminClient(host);
        await using var alice = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await using var bob = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await alice.ConnectAsync(host.WebSocketUri);
        await bob.ConnectAsync(host.WebSocketUri);
        var aliceRoom = (await alice.JoinAsync("arena")).RoomId;
        var bobRoom = (await bob.JoinAsync("arena")).RoomId;
        Assert.NotEqual(aliceRoom, bobRoom);

        using (var response = await admin.PutAsJsonAsync($"/admin/api/rooms/{aliceRoom}", new { tunables = new { MaxSpeed = 400 } }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var rooms = await admin.GetFromJsonAsync<JsonElement>("/admin/api/rooms");
        double Speed(string id) => rooms.EnumerateArray().Single(r => r.GetProperty("roomId").GetString() == id)
            .GetProperty("config").GetProperty("tunables").GetProperty("MaxSpeed").GetDouble();
        Assert.Equal(400, Speed(aliceRoom));
        Assert.Equal(200, Speed(bobRoom));

        using (var response = await admin.DeleteAsync($"/admin/api/rooms/{aliceRoom}/overrides"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        rooms = await admin.GetFromJsonAsync<JsonElement>("/admin/api/rooms");
        Assert.Equal(200, Speed(aliceRoom));
    }

    [Theory]
    [InlineData("{\"tickRateHz\": 500}", "tickRateHz", "1–120")]
    [InlineData("{\"tickRateHz\": \"fast\"}", "tickRateHz", "whole number")]
    [InlineData("{\"tunables\": {\"MaxSpeed\": -5}}", "tunables.MaxSpeed", "0–10000")]
    [InlineData("{\"tunables\": {\"Gravity\": 9.8}}", "tunables.Gravity", "not a tunable")]
    [InlineData("{\"tickRate\": 30}", "tickRate", "not a setting")]
    [InlineData("{}", "body", "empty")]
    public async Task InvalidChange_Gets400NamingTheField_AndChangesNothing(string body, string field, string message)
    {
        await using var host = await TestHost.StartAsync("Production");
        using var admin = AdminClient(host);

        using var response = await admin.PutAsync("/admin/api/room-types/arena", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, problem.GetProperty("errors").GetProperty(field).GetString());
        var view = await admin.GetFromJsonAsync<JsonElement>("/admin/api/room-types/arena");
        Assert.Equal(20, view.GetProperty("effective").GetProperty("tickRateHz").GetInt32());
    }

    [Fact]
    public async Task UnknownRoomTypeOrRoom_Gets404()
    {
        await using var host = await TestHost.StartAsync("Production");
        using var admin = AdminClient(host);

        using var type = await admin.PutAsJsonAsync("/admin/api/room-types/chess", new { tickRateHz = 10 });
        using var typeEmpty = await admin.PutAsync("/admin/api/room-types/chess", new StringContent("{}", MediaTypeHeaderValue.Parse("application/json")));
        using var room = await admin.PutAsJsonAsync("/admin/api/rooms/arena:nosuchroom", new { tickRateHz = 10 });
        using var read = await admin.GetAsync("/admin/api/rooms/arena:nosuchroom");

        Assert.Equal(HttpStatusCode.NotFound, type.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, typeEmpty.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, room.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task AdminApi_RefusesMissingAndPlayerTokens()
    {
        await using var host = await TestHost.StartAsync("Production");
        using var anonymous = new HttpClient { BaseAddress = host.HttpUri };
        using var player = new HttpClient { BaseAddress = host.HttpUri };
        player.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.NewToken("mallory"));

        using var noToken = await anonymous.PutAsJsonAsync("/admin/api/room-types/arena", new { tickRateHz = 60 });
        using var playerToken = await player.PutAsJsonAsync("/admin/api/room-types/arena", new { tickRateHz = 60 });
        using var playerRead = await player.GetAsync("/admin/api/rooms");

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, playerToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, playerRead.StatusCode);
        using var admin = AdminClient(host);
        var view = await admin.GetFromJsonAsync<JsonElement>("/admin/api/room-types/arena");
        Assert.Equal(20, view.GetProperty("effective").GetProperty("tickRateHz").GetInt32());
    }

    [Fact]
    public async Task EditingTheSettingsFile_ReachesRunningRooms()
    {
        var file = Path.Combine(Path.GetTempPath(), $"gameserver-rooms-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "Rooms": { "arena": { "TickRateHz": 20 } } }""");
        try
        {
            await using var host = await TestHost.StartAsync("Production", configure: builder =>
                builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: true));
            using var admin = AdminClient(host);
            await using var alice = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
            await alice.ConnectAsync(host.WebSocketUri);
            await alice.JoinAsync("arena");

            await File.WriteAllTextAsync(file, """{ "Rooms": { "arena": { "TickRateHz": 25, "Tunables": { "MaxSpeed": 300 } } } }""");

            await Wait.UntilAsync(() => alice.Room?.TickRateHz == 25, "the running room picks up the edited file");
            var view = await admin.GetFromJsonAsync<JsonElement>("/admin/api/room-types/arena");
            Assert.Equal(25, view.GetProperty("configured").GetProperty("tickRateHz").GetInt32());
            Assert.Equal(300, view.GetProperty("effective").GetProperty("tunables").GetProperty("MaxSpeed").GetDouble());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("Rooms:arena:TickRateHz", "500", "Rooms:arena:TickRateHz", "1–120")]
    [InlineData("Rooms:arena:SnapshotEveryTicks", "0", "Rooms:arena:SnapshotEveryTicks", "1–60")]
    [InlineData("Rooms:arena:Tunables:MaxSpeed", "-1", "Rooms:arena:Tunables:MaxSpeed", "0–10000")]
    [InlineData("Rooms:arena:Tunables:Gravity", "9.8", "Rooms:arena:Tunables:Gravity", "not a tunable")]
    [InlineData("Rooms:chess:TickRateHz", "1", "Rooms:chess", "no game is registered")]
    [InlineData("Rooms:arena:Properties:color:0", "red", "Rooms:arena:Properties:color", "not a property")]
    [InlineData("RoomTicks:Phases", "-1", "RoomTicks:Phases", "between 0 and 1000")]
    public async Task StartUp_WithAnInvalidRoomSetting_FailsNamingTheRoomTypeFieldValueAndRange(string key, string value, string named, string range)
    {
        await using var app = TestHost.BuildUnstarted("Production", new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = TestHost.SigningKey,
            [key] = value,
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(named, error.Message);
        Assert.Contains(range, error.Message);
    }

    private static HttpClient AdminClient(TestHost host)
    {
        var client = new HttpClient { BaseAddress = host.HttpUri };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            host.Tokens.Issue("designer", TimeSpan.FromMinutes(10), [Auth.GameClaims.AdminRole]));
        return client;
    }

    /// <summary>Snapshots a client received over the last second, sampled as the test polls.</summary>
    private sealed class RateMeter(GameClient client)
    {
        private readonly Queue<(TimeSpan At, long Count)> _samples = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public double PerSecond()
        {
            var now = _clock.Elapsed;
            _samples.Enqueue((now, client.SnapshotsReceived));
            while (_samples.Count > 1 && now - _samples.Peek().At > TimeSpan.FromSeconds(1))
            {
                _samples.Dequeue();
            }
            var (oldestAt, oldestCount) = _samples.Peek();
            var span = (now - oldestAt).TotalSeconds;
            return span < 0.9 ? double.NaN : (client.SnapshotsReceived - oldestCount) / span;
        }
    }
}
