using GameServer.Protocol;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The handshake guards of a production-configured host on the fallback hub, over real sockets: the same refusals,
/// statuses and reasons as the WebSocket's (<see cref="SecurityHandshakeTests"/>), answered at the hub's negotiate.
/// </summary>
[CheckLogs]
public sealed class HubSecurityTests(ProductionHostFixture fixture) : IClassFixture<ProductionHostFixture>
{
    private TestHost Host => fixture.Host;

    public static TheoryData<string> Transports() => HubTransportTests.Transports();

    public static TheoryData<string, string> BadTokens() => SecurityHandshakeTests.BadTokens();

    [Fact]
    public async Task NoToken_Gets401NamingBothWaysToSendOne()
    {
        var (status, body, response) = await RawHandshake.NegotiateAsync(Host.HttpUri);

        Assert.Equal(401, status);
        Assert.Contains("Authorization: Bearer", body);
        Assert.Contains("access_token", body);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadToken_Gets401WithTheReason(string token, string reason)
    {
        var (status, body, _) = await RawHandshake.NegotiateAsync(Host.HttpUri, token: token);

        Assert.Equal(401, status);
        Assert.Contains(reason, body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BadToken_InTheQueryParameter_Gets401Too()
    {
        var expired = Host.Tokens.Issue("alice", TimeSpan.FromMinutes(10), notBefore: DateTime.UtcNow.AddHours(-1));

        var (status, body, _) = await RawHandshake.NegotiateAsync(Host.HttpUri, queryToken: expired);

        Assert.Equal(401, status);
        Assert.Contains("expired", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheConnectRequest_IsCheckedToo_NotOnlyNegotiate()
    {
        using var http = new HttpClient();

        // A poll or Server-Sent Events request for a made-up connection, without a token: refused before SignalR sees it.
        using var response = await http.GetAsync(new Uri(Host.HttpUri, HubTransport.Path + "?id=made-up"));

        Assert.Equal(401, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example.net")]
    [InlineData("http://play.example.com")]
    public async Task ForeignOrigin_Gets403_EvenWithAValidToken(string origin)
    {
        var (status, body, _) = await RawHandshake.NegotiateAsync(Host.HttpUri, token: Host.NewToken(), origin: origin);

        Assert.Equal(403, status);
        Assert.Contains(origin, body);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AllowlistedOrigin_Connects(string transport)
    {
        await using var hub = await HubSocket.ConnectAsync(Host.HttpUri, transport, Host.NewToken(), origin: ProductionHostFixture.AllowedOrigin);

        Assert.Equal(ProtocolVersion.SubProtocol, hub.SubProtocol);
    }

    [Fact]
    public async Task UnknownProtocolVersion_Gets400NamingTheSpokenOnes()
    {
        var (status, body, _) = await RawHandshake.NegotiateAsync(Host.HttpUri, token: Host.NewToken(), subProtocols: "gameserver.v0");

        Assert.Equal(400, status);
        Assert.Contains(ProtocolVersion.SubProtocol, body);
        Assert.Contains(HubTransport.SubProtocolParameter, body);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OverThePerIpLimit_Gets429WithRetryAfter_AndAClosedConnectionFreesItsSlot(string transport)
    {
        var open = new List<HubSocket>();
        try
        {
            for (var i = 0; i < ProductionHostFixture.MaxConnectionsPerIp; i++)
            {
                open.Add(await HubSocket.ConnectAsync(Host.HttpUri, transport, Host.NewToken()));
            }

            var (status, body, response) = await RawHandshake.NegotiateAsync(Host.HttpUri, token: Host.NewToken());
            Assert.Equal(429, status);
            Assert.Contains(ProductionHostFixture.MaxConnectionsPerIp.ToString(), body);
            Assert.NotNull(response.Headers.RetryAfter);

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await Wait.UntilAsync(async () => (await RawHandshake.NegotiateAsync(Host.HttpUri, token: Host.NewToken())).Status == 200,
                "a slot frees up once a hub connection ends");
        }
        finally
        {
            foreach (var hub in open)
            {
                await hub.DisposeAsync();
            }
        }
    }
}
