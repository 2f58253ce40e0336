namespace GameServer.UnityClient
{
    /// <summary>Where a <see cref="GameServerConnection"/> is in its life.</summary>
    public enum ConnectionState
    {
        /// <summary>Created; <see cref="GameServerConnection.Connect"/> not called yet.</summary>
        Disconnected,

        /// <summary>The first handshake is in progress.</summary>
        Connecting,

        /// <summary>Connected and not in a room (or waiting for the answer to a Join or Resume).</summary>
        Connected,

        /// <summary>In a room: a Welcome arrived; snapshots flow and inputs are sent.</summary>
        InRoom,

        /// <summary>The connection dropped; waiting (backoff) or reconnecting. Inputs are dropped meanwhile.</summary>
        Reconnecting,

        /// <summary>Closed for good: by the game, by a close code that must not be retried, or after the last attempt failed.</summary>
        Closed,
    }
}
