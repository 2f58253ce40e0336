using System.Net;
using GameServer.Client;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The management port (<c>Management:Urls</c>), on real sockets: in Production the operator endpoints answer there
/// and nowhere else while the game port serves the game and the pages; Development answers on both; a bad setting
/// stops start-up naming it.
/// </summary>
[CheckLogs]
public sealed class ManagementPortTests
{
    private static readonly string[] s_operatorPaths = ["/metrics", "/healthz", "/readyz", "/dashboard/"];

    [Fact]
    public async Task AProductionHost_AnswersOperatorEndpointsOnlyOnTheManagementPort_AndServesTheGameOnTheGamePort()
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Silo:DashboardEnabled"] = "true" });
        using var http = new HttpClient();
        await Wait.UntilAsync(async () => (await http.GetAsync(new Uri(host.ManagementUri, "/readyz"))).StatusCode == HttpStatusCode.OK,
            "the host is ready");

        foreach (var path in s_operatorPaths)
        {
            using var management = await http.GetAsync(new Uri(host.ManagementUri, path));
            using var game = await http.GetAsync(new Uri(host.HttpUri, path));
            Assert.True(management.StatusCode == HttpStatusCode.OK, $"{path} on the management port answered {(int)management.StatusCode}");
            Assert.True(game.StatusCode == HttpStatusCode.NotFound, $"{path} on the game port answered {(int)game.StatusCode}");
        }
        Assert.Contains("# TYPE ", await http.GetStringAsync(new Uri(host.ManagementUri, "/metrics")));
        // The port a request arrives on decides, not the Host header, which the client chooses.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, new Uri(host.HttpUri, "/metrics"));
        spoofed.Headers.Host = host.ManagementUri.Authority;
        using var spoofedResponse = await http.SendAsync(spoofed);
        Assert.Equal(HttpStatusCode.NotFound, spoofedResponse.StatusCode);

        // The game port serves the demo page, the admin API (which wants a token) and the game.
        using var page = await http.GetAsync(host.HttpUri);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        using var admin = await http.GetAsync(new Uri(host.HttpUri, "/admin/api/room-types"));
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await client.ConnectAsync(host.WebSocketUri);
        var welcome = await client.JoinAsync("arena");
        await Wait.UntilAsync(() => client.SnapshotsReceived >= 3, "snapshots arrive on the game port");
        Assert.StartsWith("arena:", welcome.RoomId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ADevelopmentHost_AnswersOperatorEndpointsOnTheGamePort_AndOnAManagementPortWhenOneIsSet(bool managementPort)
    {
        var settings = managementPort ? null : new Dictionary<string, string?> { [TestHost.ManagementUrls] = "" };
        await using var host = await TestHost.StartAsync("Development", settings);
        using var http = new HttpClient();

        Assert.Equal(managementPort, host.ManagementUri != host.HttpUri);
        foreach (var path in s_operatorPaths)
        {
            foreach (var uri in new[] { host.HttpUri, host.ManagementUri })
            {
                using var response = await http.GetAsync(new Uri(uri, path));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} on {uri} answered {(int)response.StatusCode}");
            }
        }
    }

    [Theory]
    [InlineData("", "Management:Urls is empty")]
    [InlineData("not a url", "'not a url' is not an http:// or https:// URL")]
    [InlineData("http://127.0.0.1:0", "'http://127.0.0.1:0' has port 0")]
    [InlineData("http://127.0.0.1:5090/metrics", "has a path")]
    public void ABadManagementUrl_StopsStartUpInProduction_NamingTheSetting(string value, string problem)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            TestHost.BuildUnstarted("Production", new Dictionary<string, string?> { [TestHost.ManagementUrls] = value }));

        Assert.Contains(problem, error.Message);
        Assert.Contains("Management:Urls", error.Message);
        Assert.Contains("environment variable Management__Urls", error.Message);
    }

    [Fact]
    public void AManagementUrlOnTheGamesPort_StopsStartUp_NamingBothSettings()
    {
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?> { ["Urls"] = $"http://127.0.0.1:{port}", [TestHost.ManagementUrls] = $"http://localhost:{port}" };

        var error = Assert.Throws<InvalidOperationException>(() => TestHost.BuildUnstarted("Production", settings));

        Assert.Contains($"Management:Urls = 'http://localhost:{port}' uses port {port}, which the game listens on too (Urls = 'http://127.0.0.1:{port}')", error.Message);
    }
}
