#nullable enable
using System;

namespace GameServer.UnityClient
{
    /// <summary>Settings for a <see cref="GameServerConnection"/>; read once, when the connection is created.</summary>
    public sealed class GameServerConnectionOptions
    {
        /// <summary>The game socket, e.g. <c>ws://localhost:5000/ws</c> (or <c>wss://</c>). Required.</summary>
        public Uri? ServerUri { get; set; }

        /// <summary>
        /// The signed player token; see also <see cref="GameServerConnection.AccessToken"/> to replace it before a
        /// reconnect. A Development server hands one out at <c>/auth/dev-token?player=NAME</c>.
        /// </summary>
        public string? AccessToken { get; set; }

        /// <summary>
        /// Send the token as the <c>access_token</c> query parameter instead of an <c>Authorization: Bearer</c> header.
        /// Headers are preferred (query strings end up in proxy logs); use this where the platform's WebSocket cannot set
        /// headers. Default false.
        /// </summary>
        public bool SendTokenInQuery { get; set; }

        /// <summary>The backoff ceiling of the first reconnect attempt; it doubles with each failed attempt. Default 250 ms.</summary>
        public int ReconnectInitialDelayMs { get; set; } = 250;

        /// <summary>The largest backoff ceiling. Default 10,000 ms.</summary>
        public int ReconnectMaxDelayMs { get; set; } = 10000;

        /// <summary>Consecutive failed reconnect attempts after which the connection gives up (Closed). 0 turns reconnecting off. Default 10.</summary>
        public int MaxReconnectAttempts { get; set; } = 10;

        /// <summary>How long one handshake may take. Default 10,000 ms.</summary>
        public int ConnectTimeoutMs { get; set; } = 10000;

        /// <summary>
        /// A Ping is sent this often: it measures the round trip (<see cref="GameServerConnection.LastRoundTripMs"/>) and
        /// keeps the edge's idle timeout (30 s) away while the player sends no inputs. 0 turns it off. Default 2,000 ms.
        /// </summary>
        public int PingIntervalMs { get; set; } = 2000;

        /// <summary>
        /// Dead-peer detection: when nothing at all has arrived on an open connection for this long (no Snapshot, no Pong,
        /// nothing), the socket is aborted and the connection reconnects and resumes as after any drop. This is what
        /// notices a half-open connection (an edge that froze, a network path that died without a reset), which otherwise
        /// looks open until the operating system gives up, often many minutes later. Outside a room only Pongs arrive, so it
        /// needs <see cref="PingIntervalMs"/> on and must be at least twice it: one late Pong is not a dead server. 0 turns
        /// it off. Default 6,000 ms (three pings).
        /// </summary>
        public int DeadPeerTimeoutMs { get; set; } = 6000;

        /// <summary>
        /// Snapshot events kept while the game does not drain them (e.g. the app is paused); beyond it the oldest are
        /// dropped, since only the newest state matters. Default 60 (3 s of arena snapshots).
        /// </summary>
        public int MaxQueuedSnapshots { get; set; } = 60;

        /// <summary>Throws naming the setting when a value is out of range.</summary>
        internal void Validate()
        {
            if (ServerUri == null || (ServerUri.Scheme != "ws" && ServerUri.Scheme != "wss"))
            {
                throw new ArgumentException("GameServerConnectionOptions.ServerUri is '" + ServerUri + "'; set it to the server's ws:// or wss:// game socket, e.g. ws://localhost:5000/ws.");
            }
            if (ReconnectInitialDelayMs < 0 || ReconnectMaxDelayMs < ReconnectInitialDelayMs)
            {
                throw new ArgumentException("GameServerConnectionOptions.ReconnectInitialDelayMs (" + ReconnectInitialDelayMs + ") must be 0 or more and at most ReconnectMaxDelayMs (" + ReconnectMaxDelayMs + "); defaults 250 and 10000.");
            }
            if (MaxReconnectAttempts < 0)
            {
                throw new ArgumentException("GameServerConnectionOptions.MaxReconnectAttempts is " + MaxReconnectAttempts + "; it must be 0 (never reconnect) or more (default 10).");
            }
            if (ConnectTimeoutMs <= 0 || PingIntervalMs < 0 || MaxQueuedSnapshots < 1)
            {
                throw new ArgumentException("GameServerConnectionOptions: ConnectTimeoutMs (" + ConnectTimeoutMs + ") and MaxQueuedSnapshots (" + MaxQueuedSnapshots + ") must be positive and PingIntervalMs (" + PingIntervalMs + ") 0 or more; defaults 10000, 60 and 2000.");
            }
            if (DeadPeerTimeoutMs < 0 || (DeadPeerTimeoutMs > 0 && (PingIntervalMs == 0 || DeadPeerTimeoutMs < 2L * PingIntervalMs)))
            {
                throw new ArgumentException("GameServerConnectionOptions.DeadPeerTimeoutMs is " + DeadPeerTimeoutMs + "; it must be 0 (no dead-peer detection) or, with pings on, at least twice PingIntervalMs (" + PingIntervalMs + "), since outside a room only Pongs arrive; defaults 6000 and 2000.");
            }
        }
    }
}
