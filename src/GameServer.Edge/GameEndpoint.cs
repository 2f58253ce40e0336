using GameServer.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>
/// The game WebSocket endpoint: refuses what it must before the upgrade with a plain HTTP error naming the reason
/// (not a WebSocket 400, then the <see cref="HandshakeGate"/>'s checks), then runs a <see cref="PlayerSession"/> for the
/// token's player on the accepted socket.
/// </summary>
internal sealed class GameEndpoint
{
    private readonly HandshakeGate _gate;
    private readonly SessionRunner _runner;
    private readonly EdgeOptions _options;

    public GameEndpoint(HandshakeGate gate, SessionRunner runner, IOptions<EdgeOptions> options)
    {
        _gate = gate;
        _runner = runner;
        _options = options.Value;
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await _gate.RefuseAsync(context, new HandshakeGate.Refusal(StatusCodes.Status400BadRequest, "not_websocket",
                $"This endpoint only accepts WebSocket upgrades with sub-protocol '{ProtocolVersion.SubProtocol}' (or use the fallback transport at {HubTransport.Path}).")).ConfigureAwait(false);
            return;
        }
        var refusal = _gate.CheckDrainingAndOrigin(context.Request);
        if (refusal is not null)
        {
            await _gate.RefuseAsync(context, refusal).ConfigureAwait(false);
            return;
        }
        var (lease, limitRefusal) = _gate.TakeConnectionSlot(context.Connection.RemoteIpAddress);
        using (lease)
        {
            if (limitRefusal is not null)
            {
                await _gate.RefuseAsync(context, limitRefusal).ConfigureAwait(false);
                return;
            }
            var (subProtocol, protocolRefusal) = _gate.ChooseSubProtocol(context.WebSockets.WebSocketRequestedProtocols);
            if (protocolRefusal is not null)
            {
                await _gate.RefuseAsync(context, protocolRefusal).ConfigureAwait(false);
                return;
            }
            var (playerId, tokenRefusal) = await _gate.AuthenticateAsync(context).ConfigureAwait(false);
            if (tokenRefusal is not null)
            {
                await _gate.RefuseAsync(context, tokenRefusal).ConfigureAwait(false);
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                SubProtocol = subProtocol,
                KeepAliveInterval = TimeSpan.FromSeconds(_options.KeepAliveIntervalSeconds),
                KeepAliveTimeout = _options.KeepAliveTimeoutSeconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(_options.KeepAliveTimeoutSeconds),
            }).ConfigureAwait(false);
            var connection = new WebSocketPlayerConnection(socket, _options.MaxMessageBytes);
            await _runner.RunAsync(connection, playerId!, context.Connection.RemoteIpAddress, subProtocol == ProtocolVersion.SubProtocolV2, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
