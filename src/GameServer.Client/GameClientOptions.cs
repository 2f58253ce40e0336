namespace GameServer.Client;

/// <summary>Settings for a <see cref="GameClient"/>.</summary>
public sealed class GameClientOptions
{
    /// <summary>How long join, leave and ping wait for the server's answer. Default 10 s.</summary>
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

    /// <summary>Checks the server's TLS certificate for <c>wss://</c>; null uses the platform's normal validation.</summary>
    public System.Net.Security.RemoteCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }

    /// <summary>Extra request headers for the handshake (e.g. Origin).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>();
}
