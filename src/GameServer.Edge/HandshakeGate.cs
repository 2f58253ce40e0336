using System.Globalization;
using GameServer.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>
/// The checks every new player connection passes before it exists, on every transport (the WebSocket upgrade, the hub's
/// negotiate and connect requests): draining, origin, connection limits, protocol version and token, cheapest first and
/// none touching a grain. A refusal is a plain HTTP error naming the reason: foreign origin 403, limits 503/429, unknown
/// protocol version 400, bad token 401, draining 503.
/// </summary>
internal sealed partial class HandshakeGate
{
    private readonly EdgeOptions _options;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger<HandshakeGate> _logger;
    private readonly CancellationToken _stopping;
    private readonly OriginPolicy _origins;
    private readonly ConnectionLimits _limits;

    public HandshakeGate(ConnectionLimits limits, IOptions<EdgeOptions> options, EdgeMetrics metrics, IHostApplicationLifetime lifetime, ILogger<HandshakeGate> logger)
    {
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _stopping = lifetime.ApplicationStopping;
        _origins = new OriginPolicy(_options);
        _limits = limits;
    }

    /// <summary>A refused handshake: the HTTP status, the metric's reason tag and the body.</summary>
    public sealed record Refusal(int Status, string Reason, string Message);

    /// <summary>Draining or a foreign origin; null when neither.</summary>
    public Refusal? CheckDrainingAndOrigin(HttpRequest request)
    {
        if (_stopping.IsCancellationRequested)
        {
            return new Refusal(StatusCodes.Status503ServiceUnavailable, "draining", "This edge is draining; connect to another edge.");
        }
        var originRefusal = _origins.Check(request);
        if (originRefusal is not null)
        {
            Log.RefusedOrigin(_logger, request.Headers.Origin.ToString());
            return new Refusal(StatusCodes.Status403Forbidden, "forbidden_origin", originRefusal);
        }
        return null;
    }

    /// <summary>Takes a connection slot (edge and per-IP limits), held until the lease is disposed.</summary>
    public (ConnectionLimits.Lease Lease, Refusal? Refusal) TakeConnectionSlot(System.Net.IPAddress? remote)
    {
        var lease = _limits.TryAcquire(remote);
        return lease.Refusal switch
        {
            ConnectionLimits.LimitRefusal.None => (lease, null),
            ConnectionLimits.LimitRefusal.EdgeFull => (lease, new Refusal(StatusCodes.Status503ServiceUnavailable, "edge_full",
                $"This edge is at its limit of {_options.MaxConnections} connections; retry later or on another edge.")),
            _ => (lease, new Refusal(StatusCodes.Status429TooManyRequests, "ip_limit",
                $"Too many connections from your address (limit {_options.MaxConnectionsPerIp}); close one and retry.")),
        };
    }

    /// <summary>The newest version both sides speak (v2, delta snapshots, unless <see cref="EdgeOptions.DeltaSnapshots"/> is off), or a 400.</summary>
    public (string? SubProtocol, Refusal? Refusal) ChooseSubProtocol(IEnumerable<string> offered)
    {
        var list = offered as IList<string> ?? offered.ToList();
        if (_options.DeltaSnapshots && list.Contains(ProtocolVersion.SubProtocolV2))
        {
            return (ProtocolVersion.SubProtocolV2, null);
        }
        if (list.Contains(ProtocolVersion.SubProtocol))
        {
            return (ProtocolVersion.SubProtocol, null);
        }
        var shown = string.Join(", ", list);
        Log.RefusedProtocol(_logger, shown);
        return (null, new Refusal(StatusCodes.Status400BadRequest, "unsupported_subprotocol",
            $"Unsupported WebSocket sub-protocol '{shown}'; this server speaks {SpokenSubProtocols()} (send one in Sec-WebSocket-Protocol, or the hub's '{HubTransport.SubProtocolParameter}' query parameter)."));
    }

    /// <summary>The token's player, or a 401.</summary>
    public async Task<(string? PlayerId, Refusal? Refusal)> AuthenticateAsync(HttpContext context)
    {
        var (playerId, failure) = await EdgeAuthentication.AuthenticatePlayerAsync(context).ConfigureAwait(false);
        if (playerId is not null)
        {
            return (playerId, null);
        }
        Log.RefusedToken(_logger, failure!);
        return (null, new Refusal(StatusCodes.Status401Unauthorized, "unauthorized", failure!));
    }

    /// <summary>Answers a refused handshake: counts it, sets Retry-After or WWW-Authenticate where they apply, writes the reason.</summary>
    public Task RefuseAsync(HttpContext context, Refusal refusal)
    {
        _metrics.HandshakeRejected(refusal.Reason);
        var response = context.Response;
        response.StatusCode = refusal.Status;
        response.ContentType = "text/plain; charset=utf-8";
        switch (refusal.Reason)
        {
            case "draining":
                response.Headers.RetryAfter = "1";
                break;
            case "edge_full" or "ip_limit":
                response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                break;
            case "unauthorized":
                response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                break;
        }
        return response.WriteAsync(refusal.Message);
    }

    private string SpokenSubProtocols() =>
        _options.DeltaSnapshots ? $"'{ProtocolVersion.SubProtocolV2}' and '{ProtocolVersion.SubProtocol}'" : $"'{ProtocolVersion.SubProtocol}'";

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
