using System.Net.WebSockets;
using GameServer.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>
/// The game WebSocket endpoint: refuses what it must before the upgrade with a plain HTTP error naming the reason
/// (not a WebSocket 400, foreign origin 403, connection limits 503/429, unknown protocol version 400, bad token 401),
/// then runs a <see cref="PlayerSession"/> for the token's player on the accepted socket.
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
    private readonly OriginPolicy _origins;
    private readonly ConnectionLimits _limits;
    private readonly CodeGuessLimits _codeGuesses;

    public GameEndpoint(
        IGrainFactory grains,
        RoomLinks links,
        SessionRegistry sessions,
        ConnectionLimits limits,
        CodeGuessLimits codeGuesses,
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
        _origins = new OriginPolicy(_options);
        _limits = limits;
        _codeGuesses = codeGuesses;
        // Draining: every player is told to reconnect elsewhere and resume (their seats wait in the rooms).
        lifetime.ApplicationStopping.Register(sessions.DrainAll);
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
        if (_stopping.IsCancellationRequested)
        {
            _metrics.HandshakeRejected("draining");
            context.Response.Headers.RetryAfter = "1";
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "This edge is draining; connect to another edge.").ConfigureAwait(false);
            return;
        }
        // Cheapest checks first; nothing here touches a grain, and every refusal happens before the 101 upgrade.
        var originRefusal = _origins.Check(context.Request);
        if (originRefusal is not null)
        {
            Log.RefusedOrigin(_logger, context.Request.Headers.Origin.ToString());
            _metrics.HandshakeRejected("forbidden_origin");
            await RefuseAsync(context, StatusCodes.Status403Forbidden, originRefusal).ConfigureAwait(false);
            return;
        }
        using var lease = _limits.TryAcquire(context.Connection.RemoteIpAddress);
        if (lease.Refusal != ConnectionLimits.LimitRefusal.None)
        {
            var edgeFull = lease.Refusal == ConnectionLimits.LimitRefusal.EdgeFull;
            _metrics.HandshakeRejected(edgeFull ? "edge_full" : "ip_limit");
            context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await RefuseAsync(context,
                edgeFull ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests,
                edgeFull
                    ? $"This edge is at its limit of {_options.MaxConnections} connections; retry later or on another edge."
                    : $"Too many connections from your address (limit {_options.MaxConnectionsPerIp}); close one and retry.").ConfigureAwait(false);
            return;
        }
        var subProtocol = ChooseSubProtocol(context.WebSockets.WebSocketRequestedProtocols);
        if (subProtocol is null)
        {
            var offered = string.Join(", ", context.WebSockets.WebSocketRequestedProtocols);
            Log.RefusedProtocol(_logger, offered);
            _metrics.HandshakeRejected("unsupported_subprotocol");
            await RefuseAsync(context, StatusCodes.Status400BadRequest,
                $"Unsupported WebSocket sub-protocol '{offered}'; this server speaks {SpokenSubProtocols()} (send one in Sec-WebSocket-Protocol).").ConfigureAwait(false);
            return;
        }
        var (playerId, authFailure) = await EdgeAuthentication.AuthenticatePlayerAsync(context).ConfigureAwait(false);
        if (playerId is null)
        {
            Log.RefusedToken(_logger, authFailure!);
            _metrics.HandshakeRejected("unauthorized");
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, authFailure!).ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = subProtocol,
            KeepAliveInterval = TimeSpan.FromSeconds(_options.KeepAliveIntervalSeconds),
            KeepAliveTimeout = _options.KeepAliveTimeoutSeconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(_options.KeepAliveTimeoutSeconds),
        }).ConfigureAwait(false);
        using var codeGate = _codeGuesses.ForConnection(context.Connection.RemoteIpAddress);
        var deltas = subProtocol == ProtocolVersion.SubProtocolV2;
        var session = new PlayerSession(socket, playerId, _grains, _links, _options, _metrics, _logger, codeGate, deltas);
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

    /// <summary>The newest version both sides speak (v2, delta snapshots, unless <see cref="EdgeOptions.DeltaSnapshots"/> is off), or null.</summary>
    private string? ChooseSubProtocol(IList<string> offered)
    {
        if (_options.DeltaSnapshots && offered.Contains(ProtocolVersion.SubProtocolV2))
        {
            return ProtocolVersion.SubProtocolV2;
        }
        return offered.Contains(ProtocolVersion.SubProtocol) ? ProtocolVersion.SubProtocol : null;
    }

    private string SpokenSubProtocols() =>
        _options.DeltaSnapshots ? $"'{ProtocolVersion.SubProtocolV2}' and '{ProtocolVersion.SubProtocol}'" : $"'{ProtocolVersion.SubProtocol}'";

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

        [LoggerMessage(2, LogLevel.Information, "Refused a handshake from origin '{Origin}'")]
        public static partial void RefusedOrigin(ILogger logger, string origin);

        [LoggerMessage(3, LogLevel.Debug, "Refused a handshake: {Reason}")]
        public static partial void RefusedToken(ILogger logger, string reason);
    }
}
