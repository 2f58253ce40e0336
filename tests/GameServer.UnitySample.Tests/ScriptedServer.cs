using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using GameServer.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// A fake game server on real Kestrel sockets whose every answer the test scripts, for what the real server cannot be
    /// made to do on demand (a room restored from a checkpoint, a drain, a resume refused with 13). It decodes what the
    /// client sends and encodes its answers with the server's own codec (GameServer.Protocol's MessageCodec), so the
    /// hand-written client codec is checked against it both ways. Each accepted connection runs the script with its
    /// 0-based index.
    /// </summary>
    public sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _connections;

        private ScriptedServer(WebApplication app)
        {
            _app = app;
        }

        /// <summary>e.g. <c>ws://127.0.0.1:41234/ws</c>.</summary>
        public Uri WebSocketUri { get; private set; } = null!;

        public int Connections => Volatile.Read(ref _connections);

        /// <summary>The authorization header and sub-protocols of each handshake, in order.</summary>
        public ConcurrentQueue<(string? Authorization, string? AccessTokenQuery, string[] SubProtocols)> Handshakes { get; } =
            new ConcurrentQueue<(string? Authorization, string? AccessTokenQuery, string[] SubProtocols)>();

        public static async Task<ScriptedServer> StartAsync(Func<ScriptedConnection, int, Task> script)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new ScriptedServer(app);
            app.UseWebSockets();
            app.Map("/ws", async context =>
            {
                if (!context.WebSockets.IsWebSocketRequest)
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                }
                server.Handshakes.Enqueue((
                    context.Request.Headers.Authorization.ToString() is var auth && auth.Length > 0 ? auth : null,
                    context.Request.Query["access_token"].ToString() is var query && query.Length > 0 ? query : null,
                    context.WebSockets.WebSocketRequestedProtocols.ToArray()));
                using var socket = await context.WebSockets.AcceptWebSocketAsync(ProtocolVersion.SubProtocol);
                var index = Interlocked.Increment(ref server._connections) - 1;
                try
                {
                    await script(new ScriptedConnection(socket, context), index);
                }
                catch (Exception ex) when (ex is WebSocketException || ex is OperationCanceledException || ex is IOException)
                {
                    // the client went away; nothing more to script
                }
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server.WebSocketUri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws");
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>One accepted connection of a <see cref="ScriptedServer"/>.</summary>
    public sealed class ScriptedConnection
    {
        private readonly WebSocket _socket;
        private readonly HttpContext _context;
        private readonly byte[] _buffer = new byte[64 * 1024];

        public ScriptedConnection(WebSocket socket, HttpContext context)
        {
            _socket = socket;
            _context = context;
        }

        /// <summary>The next client message decoded by the server's codec, or null once the client closed.</summary>
        public async Task<ClientMessage?> ReceiveAsync()
        {
            var length = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(new ArraySegment<byte>(_buffer, length, _buffer.Length - length), CancellationToken.None);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
            return result.MessageType == WebSocketMessageType.Close ? null : MessageCodec.DecodeClient(_buffer.AsMemory(0, length));
        }

        /// <summary>The next client message that is not a Ping (the client pings on its own schedule).</summary>
        public async Task<ClientMessage?> ReceiveNonPingAsync()
        {
            while (true)
            {
                var message = await ReceiveAsync();
                if (!(message is Ping))
                {
                    return message;
                }
            }
        }

        public Task SendAsync(ServerMessage message) => SendRawAsync(MessageCodec.Encode(message));

        public Task SendRawAsync(byte[] frame) =>
            _socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        /// <summary>A snapshot with no game state (nil) and one ack pair.</summary>
        public Task SendSnapshotAsync(long tick, int entityId, uint ack) =>
            SendAsync(new Snapshot(tick, (uint)tick * 50, new uint[] { (uint)entityId, ack }, new byte[] { 0xc0 }));

        /// <summary>Closes with a close frame carrying <paramref name="code"/>.</summary>
        public Task CloseAsync(int code, string reason) =>
            _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);

        /// <summary>Drops the TCP connection without a close frame.</summary>
        public void Abort() => _context.Abort();

        /// <summary>Reads until the client closes or the connection drops; true if the client sent a close frame.</summary>
        public async Task<bool> DrainUntilClosedAsync()
        {
            try
            {
                while (await ReceiveAsync() != null)
                {
                }
                return true;
            }
            catch (Exception ex) when (ex is WebSocketException || ex is IOException || ex is OperationCanceledException)
            {
                return false;
            }
        }
    }
}
