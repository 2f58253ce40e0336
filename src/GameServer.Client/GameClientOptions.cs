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

    /// <summary>Automatic reconnect and resume after a dropped connection: on by default; see <see cref="ReconnectOptions"/>.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>Checks the server's TLS certificate for <c>wss://</c>; null uses the platform's normal validation.</summary>
    public System.Net.Security.RemoteCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }

    /// <summary>Extra request headers for the handshake (e.g. Origin).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>();
}
