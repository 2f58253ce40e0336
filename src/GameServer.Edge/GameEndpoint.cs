using System.Net.WebSockets;
using GameServer.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>
/// The game WebSocket endpoint: refuses what it must before the upgrade (non-WebSocket requests, unknown protocol
/// versions) with a plain HTTP error, then runs a <see cref="PlayerSession"/> on the accepted socket.
/// </summary>
internal sealed partial class GameEndpoint
{
    private readonly IGrainFactory _grains;
    private readonly RoomLinks _links;
    private readonly SessionRegistry _sessions;
    private readonly EdgeOptions _options;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger<PlayerSession> _logger;
    private readonly CancellationToken _stopping;

    public GameEndpoint(
        IGrainFactory grains,
        RoomLinks links,
        SessionRegistry sessions,
        IOptions<EdgeOptions> options,
        EdgeMetrics metrics,
        IHostApplicationLifetime lifetime,
        ILogger<PlayerSession> logger)
    {
        _grains = grains;
        _links = links;
        _sessions = sessions;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _stopping = lifetime.ApplicationStopping;
        lifetime.ApplicationStopping.Register(sessions.CloseAll);
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            _metrics.HandshakeRejected("not_websocket");
            await RefuseAsync(context, StatusCodes.Status400BadRequest,
                $"This endpoint only accepts WebSocket upgrades with sub-protocol '{ProtocolVersion.SubProtocol}'.").ConfigureAwait(false);
            return;
        }
        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(ProtocolVersion.SubProtocol))
        {
            var offered = string.Join(", ", context.WebSockets.WebSocketRequestedProtocols);
            Log.RefusedProtocol(_logger, offered);
            _metrics.HandshakeRejected("unsupported_subprotocol");
            await RefuseAsync(context, StatusCodes.Status400BadRequest,
                $"Unsupported WebSocket sub-protocol '{offered}'; this server speaks '{ProtocolVersion.SubProtocol}' (send it in Sec-WebSocket-Protocol).").ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = ProtocolVersion.SubProtocol,
            KeepAliveInterval = TimeSpan.FromSeconds(_options.KeepAliveIntervalSeconds),
        }).ConfigureAwait(false);
        var session = new PlayerSession(socket, _grains, _links, _options, _metrics, _logger);
        _sessions.Add(session);
        _metrics.Connected();
        try
        {
            using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            await session.RunAsync(aborted.Token).ConfigureAwait(false);
        }
        finally
        {
            _sessions.Remove(session);
            _metrics.Disconnected(session.EndReason);
        }
    }

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Refused a handshake offering sub-protocols '{Offered}'")]
        public static partial void RefusedProtocol(ILogger logger, string offered);
    }
}
