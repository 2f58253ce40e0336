using System.Collections.Concurrent;
using GameServer.Auth;
using GameServer.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>
/// Starts and ends player sessions on the fallback hub (<see cref="GameHub"/>), and guards its HTTP requests with the
/// same <see cref="HandshakeGate"/> as the WebSocket endpoint. Negotiate and the request that opens the connection show
/// the player token and pass the origin and protocol version checks; negotiate, which starts a connection, is also
/// refused while draining or at the connection limits, so a refused client gets the same HTTP status and reason as on
/// the WebSocket. The later sends and polls of an open connection pass the origin check and carry its connection token.
/// </summary>
internal sealed class HubSessions
{
    private static readonly object s_stateKey = new();

    // The connection tokens (SignalR's per-connection secret, the "id" of every request after negotiate) of the hub
    // connections open on this edge.
    private readonly ConcurrentDictionary<string, byte> _openConnections = new(StringComparer.Ordinal);

    private readonly HandshakeGate _gate;
    private readonly SessionRunner _runner;
    private readonly IHubContext<GameHub> _hub;
    private readonly EdgeOptions _options;

    public HubSessions(HandshakeGate gate, SessionRunner runner, IHubContext<GameHub> hub, IOptions<EdgeOptions> options)
    {
        _gate = gate;
        _runner = runner;
        _hub = hub;
        _options = options.Value;
    }

    /// <summary>The session's connection behind a hub connection, once it is open.</summary>
    public static HubPlayerConnection? ConnectionOf(HubCallerContext context) =>
        context.Items.TryGetValue(s_stateKey, out var state) ? ((State)state!).Connection : null;

    /// <summary>Middleware for every request under <see cref="HubTransport.Path"/>.</summary>
    public async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        var negotiate = context.Request.Path.StartsWithSegments(HubTransport.Path + "/negotiate");
        var refusal = _gate.CheckDrainingAndOrigin(context.Request, newConnection: negotiate);
        if (refusal is null && !negotiate && _openConnections.ContainsKey(context.Request.Query["id"].ToString()))
        {
            // A send or a poll of a connection that showed a valid token when it opened: its connection token, which only
            // that client has, is its credential (as it is to SignalR). The player token is checked once per connection,
            // as on the WebSocket; validating it on every one of these 20-40 requests a second per player took about a tenth of the
            // edge's CPU under Server-Sent Events (docs/performance.md, "Fallback transport"). The mark keeps the
            // authentication middleware further on from validating it too.
            context.Items[EdgeAuthentication.CheckedPerConnection] = true;
            await next(context).ConfigureAwait(false);
            return;
        }
        if (refusal is null && negotiate)
        {
            // A slot is taken for real when the connection opens; here only whether one is free, to refuse with an HTTP status.
            var (lease, limitRefusal) = _gate.TakeConnectionSlot(context.Connection.RemoteIpAddress);
            lease.Dispose();
            refusal = limitRefusal;
        }
        refusal ??= _gate.ChooseSubProtocol(OfferedSubProtocols(context.Request)).Refusal;
        if (refusal is null)
        {
            var (_, tokenRefusal) = await _gate.AuthenticateAsync(context).ConfigureAwait(false);
            refusal = tokenRefusal;
        }
        if (refusal is not null)
        {
            await _gate.RefuseAsync(context, refusal).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    /// <summary>Opens the session: takes a connection slot, tells the client its protocol version, starts reading frames.</summary>
    public async Task OpenAsync(HubCallerContext context)
    {
        var http = context.GetHttpContext();
        var playerId = context.User?.FindFirst(GameClaims.PlayerId)?.Value;
        var subProtocol = http is null ? null : _gate.ChooseSubProtocol(OfferedSubProtocols(http.Request)).SubProtocol;
        if (http is null || playerId is null || subProtocol is null)
        {
            // GateAsync let nothing else through.
            context.Abort();
            return;
        }
        var client = _hub.Clients.Client(context.ConnectionId);
        var remote = http.Connection.RemoteIpAddress;
        var (lease, limitRefusal) = _gate.TakeConnectionSlot(remote);
        if (limitRefusal is not null)
        {
            // Another connection took the last slot since this one's negotiate.
            lease.Dispose();
            await client.SendAsync(HubTransport.CloseMethod, CloseCode.TryAgainLater, limitRefusal.Message).ConfigureAwait(false);
            context.Abort();
            return;
        }
        var transport = context.Features.Get<IHttpTransportFeature>()?.TransportType switch
        {
            HttpTransportType.ServerSentEvents => "hub-sse",
            HttpTransportType.LongPolling => "hub-longpolling",
            _ => "hub-websockets",
        };
        var connection = new HubPlayerConnection(context, client, transport, _options);
        await client.SendAsync(HubTransport.OpenMethod, subProtocol).ConfigureAwait(false);
        var run = _runner.RunAsync(connection, playerId, remote, subProtocol == ProtocolVersion.SubProtocolV2, context.ConnectionAborted);
        var connectionToken = http.Request.Query["id"].ToString();
        if (connectionToken.Length > 0)
        {
            _openConnections.TryAdd(connectionToken, 0);
        }
        context.Items[s_stateKey] = new State(connection, lease, run, connectionToken);
    }

    /// <summary>The hub connection ended: the session ends (seat kept unless the client closed with 1000) and frees its slot.</summary>
    public async Task EndAsync(HubCallerContext context)
    {
        if (!context.Items.TryGetValue(s_stateKey, out var value))
        {
            return;
        }
        var state = (State)value!;
        _openConnections.TryRemove(state.ConnectionToken, out _);
        state.Connection.OnEnded();
        try
        {
            await state.Run.ConfigureAwait(false);
        }
        finally
        {
            state.Lease.Dispose();
        }
    }

    private static IEnumerable<string> OfferedSubProtocols(HttpRequest request)
    {
        var offered = request.Query[HubTransport.SubProtocolParameter].ToString();
        return string.IsNullOrEmpty(offered)
            ? [ProtocolVersion.SubProtocol]
            : offered.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    private sealed record State(HubPlayerConnection Connection, ConnectionLimits.Lease Lease, Task Run, string ConnectionToken);
}
