using System.Net.WebSockets;
using System.Text;
using GameServer.Auth;
using GameServer.LoadTest.Server;
using GameServer.LoadTest.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GameServer.LoadTest.Tests;

/// <summary>The bots' player tokens: ids, local signing, the development endpoint, and reading a refused handshake.</summary>
public sealed class PlayerTokenTests
{
    [Theory]
    [InlineData(42)]
    [InlineData(0)]
    [InlineData(-2147483648)]
    [InlineData(2147483647)]
    public void BotIds_AreValidPlayerIdsAndUniquePerBot(int seed)
    {
        var ids = Enumerable.Range(0, 1000).Select(i => PlayerTokenSource.BotId(seed, i)).Append(PlayerTokenSource.BotId(seed, 99_999))
            .Append(PlayerTokenSource.PreflightId(seed)).ToList();

        Assert.All(ids, id => Assert.True(GameClaims.IsValidPlayerId(id), id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("bot-42-7", PlayerTokenSource.BotId(42, 7));
    }

    [Fact]
    public async Task SignedTokens_ValidateWithTheServersKeyIssuerAndAudience()
    {
        var key = GameTokenIssuer.NewSigningKey();
        using var source = new SignedTokenSource(key, "iss", "aud", TokenSourceKind.TokenKey, "--token-key");
        var ids = new[] { "bot-1-0", "bot-1-1", "bot-1-2" };

        var tokens = await source.IssueAllAsync(ids, TimeSpan.FromMinutes(15), CancellationToken.None);

        Assert.Equal(TokenSourceKind.TokenKey, source.Kind);
        Assert.DoesNotContain(key, source.Description);
        var handler = new JsonWebTokenHandler();
        for (var i = 0; i < ids.Length; i++)
        {
            var result = await handler.ValidateTokenAsync(tokens[i], new TokenValidationParameters
            {
                ValidIssuer = "iss",
                ValidAudience = "aud",
                IssuerSigningKey = GameTokenIssuer.CreateKey(key),
            });
            Assert.True(result.IsValid, result.Exception?.Message);
            Assert.Equal(ids[i], result.Claims[GameClaims.PlayerId]);
            var token = (JsonWebToken)result.SecurityToken;
            Assert.InRange(token.ValidTo - DateTime.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15.1));
        }
    }

    [Fact]
    public async Task SignedTokens_FailWithAnotherKey()
    {
        using var source = new SignedTokenSource(GameTokenIssuer.NewSigningKey(), "gameserver", "gameserver", TokenSourceKind.SpawnedKey, "--token-key");

        var token = await source.IssueAsync("bot-1-0", TimeSpan.FromMinutes(1), CancellationToken.None);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "gameserver",
            ValidAudience = "gameserver",
            IssuerSigningKey = GameTokenIssuer.CreateKey(GameTokenIssuer.NewSigningKey()),
        });
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("ws://127.0.0.1:5000/ws", "http://127.0.0.1:5000/auth/dev-token")]
    [InlineData("wss://game.example.com/ws", "https://game.example.com/auth/dev-token")]
    [InlineData("wss://game.example.com:8443/play/ws?x=1", "https://game.example.com:8443/auth/dev-token")]
    [InlineData("ws://[::1]:7000/ws", "http://[::1]:7000/auth/dev-token")]
    public void DevEndpoint_IsOnTheSameHostAndPort(string webSocketUrl, string expected)
    {
        Assert.Equal(new Uri(expected), DevEndpointTokenSource.EndpointFor(new Uri(webSocketUrl)));
    }

    [Fact]
    public async Task DevEndpoint_FetchesOneTokenPerBotInOrder()
    {
        using var server = new FakeHttpServer(async context =>
        {
            var player = context.Request.QueryString["player"];
            var body = Encoding.UTF8.GetBytes($$"""{"token":"token-for-{{player}}","playerId":"{{player}}","expiresInSeconds":3600}""");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
        });
        using var source = new DevEndpointTokenSource(server.WebSocketUrl("/ws"), TimeSpan.FromSeconds(5));
        var ids = Enumerable.Range(0, 40).Select(i => PlayerTokenSource.BotId(7, i)).ToArray();

        var tokens = await source.IssueAllAsync(ids, TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal(ids.Select(id => "token-for-" + id), tokens);
        Assert.Equal(40, server.Paths.Count);
        Assert.All(server.Paths, path => Assert.StartsWith("/auth/dev-token?player=bot-7-", path));
        Assert.Equal(TimeSpan.FromHours(1), source.ShortestLifetime);
        Assert.Equal(TokenSourceKind.DevEndpoint, source.Kind);
    }

    [Fact]
    public async Task DevEndpoint_Answering404_IsASetupErrorNamingTokenKey()
    {
        using var server = new FakeHttpServer(context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        using var source = new DevEndpointTokenSource(server.WebSocketUrl("/ws"), TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<SetupException>(() => source.IssueAllAsync(["bot-1-0", "bot-1-1"], TimeSpan.FromHours(1), CancellationToken.None));

        Assert.Contains("no development token endpoint; pass --token-key with the server's Auth:SigningKey", error.Message);
    }

    [Theory]
    [InlineData(401, "token")]
    [InlineData(429, "Edge:MaxConnectionsPerIp")]
    [InlineData(503, "Edge:MaxConnections")]
    public void HandshakeRefusal_ReadsTheStatusFromTheException(int status, string hint)
    {
        var ex = new WebSocketException(WebSocketError.NotAWebSocket, $"The server returned status code '{status}' when status code '101' was expected.");

        Assert.Equal(status, HandshakeRefusal.StatusCode(ex));
        Assert.Contains(hint, HandshakeRefusal.Explain(ex));
        Assert.Null(HandshakeRefusal.StatusCode(new WebSocketException("Unable to connect to the remote server")));
    }
}
