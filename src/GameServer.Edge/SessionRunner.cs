using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>Runs a <see cref="PlayerSession"/> on an accepted connection of any transport, registered for the drain and the idle sweep.</summary>
internal sealed class SessionRunner
{
    private readonly IGrainFactory _grains;
    private readonly RoomLinks _links;
    private readonly SessionRegistry _sessions;
    private readonly CodeGuessLimits _codeGuesses;
    private readonly EdgeOptions _options;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger<PlayerSession> _logger;

    public SessionRunner(
        IGrainFactory grains, RoomLinks links, SessionRegistry sessions, CodeGuessLimits codeGuesses, IOptions<EdgeOptions> options,
        EdgeMetrics metrics, IHostApplicationLifetime lifetime, ILogger<PlayerSession> logger)
    {
        _grains = grains;
        _links = links;
        _sessions = sessions;
        _codeGuesses = codeGuesses;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        // Draining: every player is told to reconnect elsewhere and resume (their seats wait in the rooms).
        lifetime.ApplicationStopping.Register(sessions.DrainAll);
    }

    /// <summary>Runs the session until the connection ends; <paramref name="deltaSnapshots"/> when it speaks gameserver.v2.</summary>
    public async Task RunAsync(PlayerConnection connection, string playerId, IPAddress? remote, bool deltaSnapshots, CancellationToken cancellationToken)
    {
        using var codeGate = _codeGuesses.ForConnection(remote);
        var session = new PlayerSession(connection, playerId, _grains, _links, _options, _metrics, _logger, codeGate, deltaSnapshots);
        _sessions.Add(session);
        _metrics.Connected(connection.Transport);
        try
        {
            await session.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sessions.Remove(session);
            _metrics.Disconnected(session.EndReason, connection.Transport);
        }
    }
}
