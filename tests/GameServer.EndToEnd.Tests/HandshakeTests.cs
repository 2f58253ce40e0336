using System.Net;
using System.Net.WebSockets;
using GameServer.Protocol;

namespace GameServer.EndToEnd.Tests;

[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class HandshakeTests(HostFixture host)
{
    [Theory]
    [InlineData("gameserver.v3")]
    [InlineData("chat")]
    [InlineData(null)]
    public async Task Upgrade_WithoutTheSupportedSubProtocol_IsRefusedWith400NamingTheVersion(string? offered)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.HttpUri, ProtocolVersion.Path));
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        if (offered is not null)
        {
            request.Headers.Add("Sec-WebSocket-Protocol", offered);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(ProtocolVersion.SubProtocol, body);
        Assert.Contains(ProtocolVersion.SubProtocolV2, body);
    }

    [Fact]
    public async Task ClientWebSocket_OfferingAnUnknownVersion_FailsToConnect()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("gameserver.v0");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(host.WebSocketUri, CancellationToken.None));
    }

    [Fact]
    public async Task PlainHttpGet_OnTheGameEndpoint_Is400()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(host.HttpUri, ProtocolVersion.Path));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(new[] { "gameserver.v1" }, "gameserver.v1")]
    [InlineData(new[] { "gameserver.v2" }, "gameserver.v2")]
    [InlineData(new[] { "gameserver.v1", "gameserver.v2" }, "gameserver.v2")] // the server prefers v2 whatever the order
    [InlineData(new[] { "gameserver.v3", "gameserver.v1" }, "gameserver.v1")]
    public async Task Connect_WithSupportedSubProtocols_NegotiatesTheNewest(string[] offered, string agreed)
    {
        using var socket = new ClientWebSocket();
        foreach (var version in offered)
        {
            socket.Options.AddSubProtocol(version);
        }
        socket.Options.SetRequestHeader("Authorization", "Bearer " + host.Host.NewToken());

        await socket.ConnectAsync(host.WebSocketUri, CancellationToken.None);

        Assert.Equal(agreed, socket.SubProtocol);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }
}
