namespace GameServer.Client;

/// <summary>Settings for a <see cref="GameClient"/>.</summary>
public sealed class GameClientOptions
{
    /// <summary>
    /// How long join, leave, ping and resume wait for the server's answer, and how long one reconnect attempt may take
    /// to complete its handshake. Default 10 s.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Initial receive buffer, bytes; grows for larger frames. Default 4096.</summary>
    public int ReceiveBufferBytes { get; set; } = 4096;

    /// <summary>
    /// When false, snapshots are not decoded into <see cref="Protocol.Snapshot"/> objects: only the tick and this player's
    /// ack are read (cheap), and <see cref="GameClient.SnapshotReceived"/> is not raised. For load bots. Default true.
    /// </summary>
    public bool DecodeSnapshots { get; set; } = true;

    /// <summary>
    /// The game's client half of delta snapshots (arena: <see cref="Protocol.Arena.ArenaDelta.Instance"/>). With it, or
    /// with <see cref="DecodeSnapshots"/> off (which needs no game state), the client offers <c>gameserver.v2</c> and
    /// the server sends most snapshots as deltas; the client rebuilds each full snapshot, so
    /// <see cref="GameClient.SnapshotReceived"/> still raises full snapshots. Null (default) with decoding on: every
    /// snapshot comes in full (<c>gameserver.v1</c>).
    /// </summary>
    public Protocol.IGameStateDelta? StateDelta { get; set; }

    /// <summary>Offer delta snapshots when they can be applied (see <see cref="StateDelta"/>). Default true; false always speaks <c>gameserver.v1</c>.</summary>
    public bool DeltaSnapshots { get; set; } = true;

    /// <summary>
    /// The signed player token the server requires at the handshake, sent as <c>Authorization: Bearer</c>. Get it from
    /// the game's login service (or a development server's <c>/auth/dev-token</c>). Null sends none (the server answers 401).
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Called before every connect, the first and each reconnect, for the token to send; when set it wins over
    /// <see cref="AccessToken"/>. The server checks the token at the handshake only, so a client that may reconnect after
    /// its token expires needs this (a refused handshake, 401 or 403, ends reconnecting). Null uses <see cref="AccessToken"/>.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// Dead-peer detection: when nothing has arrived for this long the client sends a protocol <c>Ping</c> (in a room,
    /// snapshots arrive many times a second, so it sends none), and with <see cref="KeepAliveTimeout"/> it treats
    /// continued silence as a dropped connection (it reconnects and resumes like after any drop). This is what notices a
    /// half-open connection: an edge that froze or a network path that died without a reset, which otherwise looks open
    /// until the server's own idle timeout gives up. Works the same on every platform (Unity's Mono and IL2CPP
    /// included). Default 2 s; <see cref="TimeSpan.Zero"/> turns pings and detection off.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Silence beyond <see cref="KeepAliveInterval"/> after which the connection is aborted as dead; so a dead peer is
    /// noticed within <see cref="KeepAliveInterval"/> + this. Default 4 s; <see cref="TimeSpan.Zero"/> only pings.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Queue every event until the game loop calls <see cref="GameClient.DrainEvents"/>, which raises them in order on
    /// its own thread: for engines whose APIs are main-thread only (Unity). Off (the default), events are raised on the
    /// client's receive loop as frames arrive, which costs nothing extra (load bots, servers, tools).
    /// </summary>
    public bool QueueEvents { get; set; }

    /// <summary>
    /// With <see cref="QueueEvents"/>: at most this many undrained snapshots are kept; beyond it the oldest are dropped
    /// (counted in <see cref="GameClient.SnapshotsDropped"/>), because only the newest state matters after a pause.
    /// Other events are always kept. Default 60 (3 s at 20 Hz).
    /// </summary>
    public int MaxQueuedSnapshots { get; set; } = 60;

    /// <summary>
    /// Send the token as the <c>access_token</c> query parameter instead of an <c>Authorization</c> header, for platforms
    /// whose WebSocket cannot set headers. A query string can end up in proxy logs: prefer the header. Default false.
    /// </summary>
    public bool SendTokenInQuery { get; set; }

    /// <summary>Automatic reconnect and resume after a dropped connection: on by default; see <see cref="ReconnectOptions"/>.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>Checks the server's TLS certificate for <c>wss://</c>; null uses the platform's normal validation.</summary>
    public System.Net.Security.RemoteCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }

    /// <summary>
    /// How the client reaches the server: <see cref="ClientTransport.WebSocket"/> (the default), or a fallback for
    /// networks that block WebSockets, e.g. the SignalR hub's Server-Sent Events or long polling from the
    /// <c>GameServer.Client.SignalR</c> package. Every transport carries the same protocol, and reconnect and resume
    /// work the same over each.
    /// </summary>
    public ClientTransport Transport { get; set; } = ClientTransport.WebSocket;

    /// <summary>Extra request headers for the handshake (e.g. Origin).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>();
}
