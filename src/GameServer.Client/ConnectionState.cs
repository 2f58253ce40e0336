namespace GameServer.Client;

/// <summary>Where a <see cref="GameClient"/> is in its life.</summary>
public enum ConnectionState
{
    /// <summary>Created; <see cref="GameClient.ConnectAsync(Uri, CancellationToken)"/> not called yet.</summary>
    Disconnected,

    /// <summary>The first handshake is in progress.</summary>
    Connecting,

    /// <summary>Connected and not in a room.</summary>
    Connected,

    /// <summary>Connected and in a room (after a welcome).</summary>
    InRoom,

    /// <summary>Closed for good: by the app, by a close code that must not be retried, or after the last reconnect attempt failed.</summary>
    Closed,

    /// <summary>
    /// The connection dropped and the client is reconnecting (and, if it was in a room, resuming its seat). Inputs are
    /// dropped; joins, leaves and pings throw <see cref="InvalidOperationException"/>. Ends in
    /// <see cref="Connected"/>, <see cref="InRoom"/> or <see cref="Closed"/>.
    /// </summary>
    Reconnecting,
}
