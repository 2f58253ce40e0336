using System.Net;
using System.Net.WebSockets;
using GameServer.Protocol;

namespace GameServer.EndToEnd.Tests;

[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class HandshakeTests(HostFixture host)
{
    [Theory]
    [InlineData("gameserver.v2")]
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

    [Fact]
    public async Task Connect_WithTheSupportedSubProtocol_NegotiatesIt()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(ProtocolVersion.SubProtocol);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + host.Host.NewToken());

        await socket.ConnectAsync(host.WebSocketUri, CancellationToken.None);

        Assert.Equal(ProtocolVersion.SubProtocol, socket.SubProtocol);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }
}
