using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using GameServer.Client;
using GameServer.Host;
using GameServer.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>Guards that need a host with their own settings: the edge-wide limit, idle and dead connections, start-up checks.</summary>
[CheckLogs]
public sealed class ConnectionGuardTests
{
    [Fact]
    public async Task OverTheEdgeLimit_Gets503WithRetryAfter()
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:MaxConnections"] = "2" });
        await using var first = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await using var second = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await first.ConnectAsync(host.WebSocketUri);
        await second.ConnectAsync(host.WebSocketUri);

        var (status, body, response) = await RawHandshake.SendAsync(host.HttpUri, token: host.NewToken());

        Assert.Equal(503, status);
        Assert.Contains("limit of 2 connections", body);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task ASilentClient_IsClosedWith4002AfterTheIdleTimeout()
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:IdleTimeoutSeconds"] = "1" });
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await client.ConnectAsync(host.WebSocketUri);
        var started = Stopwatch.StartNew();

        await client.Completion.WaitAsync(Wait.Timeout).ContinueWith(_ => { });

        Assert.Equal((WebSocketCloseStatus)CloseCode.IdleTimeout, client.CloseStatus);
        // Documented bound: idle timeout + one sweep (1 s) + close handshake.
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AClientThatStartsAMessageAndNeverFinishesIt_IsClosedWith4002_EvenWhileItTricklesFragments()
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:IdleTimeoutSeconds"] = "2" });
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(ProtocolVersion.SubProtocol);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + host.NewToken());
        await socket.ConnectAsync(host.WebSocketUri, CancellationToken.None);
        var started = Stopwatch.StartNew();
        var closed = socket.ReceiveAsync(new byte[256], CancellationToken.None);

        // A Ping frame's first byte, then one more byte every 200 ms: always sending, never a whole message.
        var fragments = 0;
        while (!closed.IsCompleted && started.Elapsed < Wait.Timeout && fragments < 60)
        {
            try
            {
                await socket.SendAsync(new byte[] { 0x92 }, WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                break; // the server closed under the send
            }
            fragments++;
            await Task.WhenAny(closed, Task.Delay(200));
        }
        var result = await closed.WaitAsync(Wait.Timeout);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal((WebSocketCloseStatus)CloseCode.IdleTimeout, result.CloseStatus);
        Assert.Contains("not finished within 2 s", result.CloseStatusDescription);
        Assert.True(fragments >= 5, $"the client kept sending ({fragments} fragments) and was closed anyway");
        // Documented bound: idle timeout + one sweep (1 s) + the close handshake.
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AClientThatPings_IsNotIdle()
    {
        // Pings every 0.5 s for 7 s against a 4 s timeout: a silent client would be closed by 5 s, and a busy CI
        // machine cannot stretch a 0.5 s gap past 4 s.
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:IdleTimeoutSeconds"] = "4" });
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await client.ConnectAsync(host.WebSocketUri);

        for (var i = 0; i < 14; i++)
        {
            await client.PingAsync();
            await Task.Delay(500);
        }

        Assert.Equal(ConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task ADeadPeerThatNeverAnswersPings_IsDroppedByTheKeepAliveTimeout()
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?>
        {
            ["Edge:IdleTimeoutSeconds"] = "0",
            ["Edge:KeepAliveIntervalSeconds"] = "1",
            ["Edge:KeepAliveTimeoutSeconds"] = "1",
        });
        // A raw TCP client: it completes the upgrade, then never reads or answers a ping, like a vanished device.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.HttpUri.Host, host.HttpUri.Port);
        var stream = tcp.GetStream();
        var request = $"GET /ws HTTP/1.1\r\nHost: {host.HttpUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}\r\n" +
            $"Sec-WebSocket-Protocol: {ProtocolVersion.SubProtocol}\r\nAuthorization: Bearer {host.NewToken()}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        Assert.StartsWith("HTTP/1.1 101", Encoding.ASCII.GetString(buffer, 0, read));
        var started = Stopwatch.StartNew();

        // The server pings, gets no pong, and aborts: the stream ends (0 bytes or a reset).
        using var timeout = new CancellationTokenSource(Wait.Timeout);
        var ended = false;
        while (!ended)
        {
            try
            {
                ended = await stream.ReadAsync(buffer, timeout.Token) == 0;
            }
            catch (IOException)
            {
                ended = true;
            }
        }

        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task BehindATrustedProxy_ThePerIpLimitCountsTheForwardedAddress()
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?>
        {
            ["Edge:TrustedProxies:0"] = "127.0.0.1",
            ["Edge:MaxConnectionsPerIp"] = "1",
        });

        using var alice = await ConnectForwardedAsync(host, "203.0.113.7");
        using var bob = await ConnectForwardedAsync(host, "198.51.100.20");
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectForwardedAsync(host, "203.0.113.7"));

        Assert.Equal(WebSocketState.Open, alice.State);
        Assert.Equal(WebSocketState.Open, bob.State);
        Assert.Contains("429", refused.Message);
    }

    [Fact]
    public async Task WithoutTrustedProxies_ForwardedHeadersAreIgnored()
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:MaxConnectionsPerIp"] = "1" });

        using var alice = await ConnectForwardedAsync(host, "203.0.113.7");
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectForwardedAsync(host, "198.51.100.20"));

        Assert.Contains("429", refused.Message);
    }

    private static async Task<ClientWebSocket> ConnectForwardedAsync(TestHost host, string forwardedFor)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(ProtocolVersion.SubProtocol);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + host.NewToken());
        socket.Options.SetRequestHeader("X-Forwarded-For", forwardedFor);
        try
        {
            await socket.ConnectAsync(host.WebSocketUri, CancellationToken.None);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task ProductionStartUp_WithoutASigningKey_FailsNamingTheSetting()
    {
        await using var app = TestHost.BuildUnstarted("Production", new Dictionary<string, string?>());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Auth:SigningKey", error.Message);
        Assert.Contains("Production", error.Message);
    }
}
