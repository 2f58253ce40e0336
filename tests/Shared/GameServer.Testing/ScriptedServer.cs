using System.Net.WebSockets;
using GameServer.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GameServer.Testing;

/// <summary>
/// A fake game server on real Kestrel sockets whose every answer a test scripts, for client behaviour the real
/// server cannot be made to show on demand (a room restored from a checkpoint, a transient error to a resume).
/// Each accepted connection runs the script with its 0-based index.
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;

    private ScriptedServer(WebApplication app, Uri webSocketUri)
    {
        _app = app;
        WebSocketUri = webSocketUri;
    }

    /// <summary>e.g. <c>ws://127.0.0.1:41234/ws</c>.</summary>
    public Uri WebSocketUri { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static async Task<ScriptedServer> StartAsync(Func<ScriptedConnection, int, Task> script)
    {
        var logs = new HostLog("scripted server");
        TestLogScope.Required.Watch(logs);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        var app = builder.Build();
        ScriptedServer? server = null;
        app.UseWebSockets();
        app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync(ProtocolVersion.SubProtocol);
            var index = Interlocked.Increment(ref server!._connections) - 1;
            try
            {
                await script(new ScriptedConnection(socket, context), index);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                // the client went away; nothing to script any more
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new ScriptedServer(app, new Uri(address.Replace("http", "ws", StringComparison.Ordinal) + "/ws"));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One accepted connection of a <see cref="ScriptedServer"/>.</summary>
public sealed class ScriptedConnection(WebSocket socket, HttpContext context)
{
    private readonly byte[] _buffer = new byte[64 * 1024];

    /// <summary>The next client message, or null once the client closed.</summary>
    public async Task<ClientMessage?> ReceiveAsync()
    {
        var length = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(new ArraySegment<byte>(_buffer, length, _buffer.Length - length), CancellationToken.None);
            length += result.Count;
        }
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
        return result.MessageType == WebSocketMessageType.Close ? null : MessageCodec.DecodeClient(_buffer.AsMemory(0, length));
    }

    public Task SendAsync(ServerMessage message) =>
        socket.SendAsync(MessageCodec.Encode(message), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    /// <summary>A snapshot with no game state and one ack pair.</summary>
    public Task SendSnapshotAsync(long tick, int entityId, uint ack) =>
        SendAsync(new Snapshot(tick, (uint)tick * 50, new uint[] { (uint)entityId, ack }, new byte[] { 0xc0 }));

    /// <summary>Closes with a close frame carrying <paramref name="code"/>.</summary>
    public async Task CloseAsync(int code, string reason)
    {
        await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
    }

    /// <summary>Drops the TCP connection without a close frame.</summary>
    public void Abort() => context.Abort();

    /// <summary>Waits until the client closes or the connection drops.</summary>
    public async Task DrainUntilClosedAsync()
    {
        while (await ReceiveAsync() is not null)
        {
        }
    }
}
