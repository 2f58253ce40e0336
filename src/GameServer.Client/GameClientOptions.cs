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
    /// Dead-peer detection: the client sends a WebSocket ping this often and, with <see cref="KeepAliveTimeout"/>, treats a
    /// missing pong as a dropped connection (it reconnects and resumes like after any drop). This is what notices a
    /// half-open connection: an edge that froze or a network path that died without a reset, which otherwise looks open
    /// until the server's own keep-alive gives up. Default 2 s; <see cref="TimeSpan.Zero"/> sends nothing.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long to wait for the pong to a keep-alive ping before aborting the connection; so a dead peer is noticed
    /// within <see cref="KeepAliveInterval"/> + this. Default 4 s; <see cref="TimeSpan.Zero"/> sends unsolicited pongs
    /// instead (keeps NAT mappings alive, detects nothing). Needs .NET 9 or later: ignored on netstandard2.1.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Automatic reconnect and resume after a dropped connection: on by default; see <see cref="ReconnectOptions"/>.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>Checks the server's TLS certificate for <c>wss://</c>; null uses the platform's normal validation.</summary>
    public System.Net.Security.RemoteCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }

    /// <summary>Extra request headers for the handshake (e.g. Origin).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>();
}
