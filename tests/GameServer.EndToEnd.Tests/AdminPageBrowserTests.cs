using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GameServer.Auth;
using GameServer.Abstractions;
using GameServer.Client;
using Xunit.Abstractions;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The designer's page (/admin/) in a real browser: browser/admin.spec.mjs drives headless Chromium
/// (/usr/bin/chromium) through playwright-core against the shared host while two SDK players keep a live arena room.
/// The host runs in Development, so the page gets its admin token from /auth/dev-token by itself.
/// </summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class AdminPageBrowserTests(HostFixture host, ITestOutputHelper output)
{
    private const string RoomType = "arena";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AdminPage_InHeadlessChromium_ShowsTheLiveRoom_AppliesATunable_ShowsTheRangeError_AndResets()
    {
        await using var alice = host.NewClient();
        await using var bob = host.NewClient();
        await alice.ConnectAsync(host.WebSocketUri);
        await bob.ConnectAsync(host.WebSocketUri);
        // A room of its own with three free seats: the shared host keeps other tests' rooms, whose seats may still
        // wait for a resume, so a matchmade room can be one seat short of full.
        var roomId = (await alice.JoinRoomAsync(RoomIds.New(RoomType))).RoomId;
        await bob.JoinRoomAsync(roomId);
        using var admin = AdminClient();
        // A third player whose connection is cut and who does not come back: the seat waits for a resume.
        await using (var proxy = TcpDropProxy.Start(host.WebSocketUri))
        {
            await using var carol = host.NewClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, Reconnect = { Enabled = false } });
            await carol.ConnectAsync(proxy.WebSocketUri);
            await carol.JoinRoomAsync(roomId);
            proxy.DropAll();
            await Wait.UntilAsync(async () =>
                (await admin.GetFromJsonAsync<JsonElement>($"/admin/api/rooms/{Uri.EscapeDataString(roomId)}"))
                    .GetProperty("recovery").GetProperty("disconnectedSeats").GetInt32() == 1,
                "the room holds carol's seat for a resume");
        }
        var browserDir = Path.Combine(RepoPaths.Root, "tests", "GameServer.EndToEnd.Tests", "browser");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "browser-admin.png");
        var url = host.HttpUri.GetLeftPart(UriPartial.Authority);

        int exitCode;
        string log;
        try
        {
            (exitCode, log) = await ChildProcess.NodeAsync(browserDir, Bound, "admin.spec.mjs", url, screenshot, roomId, "1");
        }
        finally
        {
            // Other tests share this host: put back whatever the page changed, also when it stopped half-way.
            // The checks below read the result; asserting here would hide the spec's own failure.
            (await admin.DeleteAsync($"/admin/api/rooms/{Uri.EscapeDataString(roomId)}/overrides")).Dispose();
            (await admin.DeleteAsync($"/admin/api/room-types/{RoomType}/overrides")).Dispose();
        }

        output.WriteLine(log);
        Assert.True(exitCode == 0, $"node admin.spec.mjs {url} {screenshot} {roomId} exited with {exitCode}:\n{log}");
        Assert.Equal(ConnectionState.InRoom, alice.State);
        Assert.Equal(ConnectionState.InRoom, bob.State);
        var (aliceSeen, bobSeen) = (alice.SnapshotsReceived, bob.SnapshotsReceived);
        await Wait.UntilAsync(
            () => alice.SnapshotsReceived >= aliceSeen + 10 && bob.SnapshotsReceived >= bobSeen + 10,
            "both players keep receiving snapshots after the page's changes");
        var arena = (await admin.GetFromJsonAsync<JsonElement>("/admin/api/room-types")).EnumerateArray()
            .Single(t => t.GetProperty("roomType").GetString() == RoomType);
        Assert.All(arena.GetProperty("overrides").EnumerateObject(), field => Assert.Equal(JsonValueKind.Null, field.Value.ValueKind));
        Assert.Equal(arena.GetProperty("configured").ToString(), arena.GetProperty("effective").ToString());
    }

    private HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = host.HttpUri, Timeout = Wait.Timeout };
        var token = host.Host.Tokens.Issue("designer", TimeSpan.FromMinutes(5), [GameClaims.AdminRole]);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
