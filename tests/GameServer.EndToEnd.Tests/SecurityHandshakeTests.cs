using System.Net.WebSockets;
using GameServer.Auth;
using GameServer.Client;
using GameServer.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>The handshake guards of a production-configured host, over real sockets: each refusal's status and reason.</summary>
[CheckLogs]
public sealed class SecurityHandshakeTests(ProductionHostFixture fixture) : IClassFixture<ProductionHostFixture>
{
    private TestHost Host => fixture.Host;

    public static TheoryData<string, string> BadTokens()
    {
        var key = TestHost.SigningKey;
        var issuer = new GameTokenIssuer(key);
        return new TheoryData<string, string>
        {
            { issuer.Issue("alice", TimeSpan.FromMinutes(10), notBefore: DateTime.UtcNow.AddHours(-1)), "expired" },
            { new GameTokenIssuer(GameTokenIssuer.NewSigningKey()).Issue("alice", TimeSpan.FromMinutes(10)), "signature" },
            { issuer.Issue("alice", TimeSpan.FromMinutes(10), audience: "another-game"), "audience" },
            { new GameTokenIssuer(key, issuer: "someone-else").Issue("alice", TimeSpan.FromMinutes(10)), "issuer" },
            { issuer.Issue("bad player id!", TimeSpan.FromMinutes(10)), "subject" },
            { "not.a.token", "malformed" },
        };
    }

    [Fact]
    public async Task NoToken_Gets401NamingBothWaysToSendOne()
    {
        var (status, body, response) = await RawHandshake.SendAsync(Host.HttpUri);

        Assert.Equal(401, status);
        Assert.Contains("Authorization: Bearer", body);
        Assert.Contains("access_token", body);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadToken_Gets401WithTheReason(string token, string reason)
    {
        var (status, body, _) = await RawHandshake.SendAsync(Host.HttpUri, token: token);

        Assert.Equal(401, status);
        Assert.Contains(reason, body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BadToken_InTheQueryParameter_Gets401Too()
    {
        var expired = Host.Tokens.Issue("alice", TimeSpan.FromMinutes(10), notBefore: DateTime.UtcNow.AddHours(-1));

        var (status, body, _) = await RawHandshake.SendAsync(Host.HttpUri, queryToken: expired);

        Assert.Equal(401, status);
        Assert.Contains("expired", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ValidToken_InTheQueryParameter_Upgrades()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(ProtocolVersion.SubProtocol);

        await socket.ConnectAsync(new Uri(Host.WebSocketUri + "?access_token=" + Host.NewToken()), CancellationToken.None);

        Assert.Equal(WebSocketState.Open, socket.State);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task TheTokensSubject_IsThePlayerIdInTheWelcome()
    {
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = Host.NewToken("carol-42") });
        await client.ConnectAsync(Host.WebSocketUri);

        var welcome = await client.JoinAsync("arena");

        Assert.Equal("carol-42", welcome.PlayerId);
    }

    [Theory]
    [InlineData("https://evil.example.net")]
    [InlineData("http://play.example.com")]
    public async Task ForeignOrigin_Gets403_EvenWithAValidToken(string origin)
    {
        var (status, body, _) = await RawHandshake.SendAsync(Host.HttpUri, token: Host.NewToken(), origin: origin);

        Assert.Equal(403, status);
        Assert.Contains(origin, body);
    }

    [Fact]
    public async Task AllowlistedOrigin_Upgrades()
    {
        var (status, _, response) = await RawHandshake.SendAsync(Host.HttpUri, token: Host.NewToken(), origin: ProductionHostFixture.AllowedOrigin);
        response.Dispose();

        Assert.Equal(101, status);
    }

    [Fact]
    public async Task WrongSubProtocol_Gets400_BeforeTheTokenIsLookedAt()
    {
        var (status, body, _) = await RawHandshake.SendAsync(Host.HttpUri, subProtocol: "gameserver.v0");

        Assert.Equal(400, status);
        Assert.Contains(ProtocolVersion.SubProtocol, body);
    }

    [Fact]
    public async Task OverThePerIpLimit_Gets429WithRetryAfter_AndAClosedConnectionFreesItsSlot()
    {
        var open = new List<GameClient>();
        try
        {
            for (var i = 0; i < ProductionHostFixture.MaxConnectionsPerIp; i++)
            {
                var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = Host.NewToken() });
                await client.ConnectAsync(Host.WebSocketUri);
                open.Add(client);
            }

            var (status, body, response) = await RawHandshake.SendAsync(Host.HttpUri, token: Host.NewToken());
            Assert.Equal(429, status);
            Assert.Contains(ProductionHostFixture.MaxConnectionsPerIp.ToString(), body);
            Assert.NotNull(response.Headers.RetryAfter);

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await Wait.UntilAsync(async () => (await RawHandshake.SendAsync(Host.HttpUri, token: Host.NewToken())).Status == 101,
                "a slot frees up once a connection closes");
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task DevelopmentTokenEndpoint_DoesNotExistInProduction()
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(Host.HttpUri, "/auth/dev-token"));

        Assert.Equal(404, (int)response.StatusCode);
    }
}
