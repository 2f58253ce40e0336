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
/// same <see cref="HandshakeGate"/> as the WebSocket endpoint: every request of a hub connection (negotiate, connect,
/// each poll and send) shows the token and passes the origin check; negotiate also checks the connection limits and the
/// protocol version, so a refused client gets the same HTTP status and reason as on the WebSocket.
/// </summary>
internal sealed class HubSessions
{
    private static readonly object s_stateKey = new();

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
        var refusal = _gate.CheckDrainingAndOrigin(context.Request);
        if (refusal is null && context.Request.Path.StartsWithSegments(HubTransport.Path + "/negotiate"))
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
        context.Items[s_stateKey] = new State(connection, lease, run);
    }

    /// <summary>The hub connection ended: the session ends (seat kept unless the client closed with 1000) and frees its slot.</summary>
    public async Task EndAsync(HubCallerContext context)
    {
        if (!context.Items.TryGetValue(s_stateKey, out var value))
        {
            return;
        }
        var state = (State)value!;
        state.Connection.Ended();
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

    private sealed record State(HubPlayerConnection Connection, ConnectionLimits.Lease Lease, Task Run);
}
