namespace GameServer.Client;

/// <summary>
/// One connection of a <see cref="ClientTransport"/>: carries whole protocol frames (the bytes of one WebSocket binary
/// message) both ways, and the WebSocket-style close (code and reason, <see cref="Protocol.CloseCode"/>) the client's
/// reconnect and resume logic reads. The client calls <see cref="ReceiveAsync"/> from one loop only, and serialises
/// <see cref="SendAsync"/> calls; <see cref="Abort"/> and <see cref="CloseAsync"/> may come from any thread.
/// A connection that drops makes its pending and later calls throw <see cref="IOException"/> (the WebSocket one may
/// throw <see cref="System.Net.WebSockets.WebSocketException"/>; both, and <see cref="ObjectDisposedException"/> and
/// <see cref="OperationCanceledException"/>, count as a lost connection).
/// </summary>
public abstract class ClientConnection : IDisposable
{
    /// <summary>
    /// Opens the connection. Throws when it cannot be had; then <see cref="RefusalStatus"/> and <see cref="RetryAfter"/>
    /// tell what the server answered, where known.
    /// </summary>
    /// <param name="endpoint">The endpoint given to <see cref="GameClient.ConnectAsync(Uri, CancellationToken)"/> (e.g. <c>ws://host:8080/ws</c>).</param>
    /// <param name="subProtocols">The protocol versions to offer, most preferred first (<c>gameserver.v2</c>, <c>gameserver.v1</c>).</param>
    /// <param name="accessToken">The player token, or null for none.</param>
    /// <param name="options">The client's options: where the token goes (<see cref="GameClientOptions.SendTokenInQuery"/>), extra headers, TLS check, receive buffer.</param>
    /// <param name="cancellationToken">Gives up the attempt.</param>
    public abstract Task ConnectAsync(
        Uri endpoint, IReadOnlyList<string> subProtocols, string? accessToken, GameClientOptions options, CancellationToken cancellationToken);

    /// <summary>The protocol version the server chose, or null before the connection is open.</summary>
    public abstract string? SubProtocol { get; }

    /// <summary>After a failed <see cref="ConnectAsync"/>: the refusal's HTTP status (401, 403, 429, 503), or null when not known.</summary>
    public virtual int? RefusalStatus => null;

    /// <summary>After a failed <see cref="ConnectAsync"/>: the refusal's <c>Retry-After</c>, or null when none or not known.</summary>
    public virtual TimeSpan? RetryAfter => null;

    /// <summary>
    /// The next whole frame, valid until the next call; or null when the server closed the connection (then
    /// <see cref="CloseStatus"/> and <see cref="CloseStatusDescription"/> say why). Throws when the connection dropped.
    /// </summary>
    public abstract ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>The close code the connection ended with (the server's, or the client's own close), or null (open, or dropped without one).</summary>
    public abstract int? CloseStatus { get; }

    /// <summary>The close reason that came with <see cref="CloseStatus"/>.</summary>
    public abstract string? CloseStatusDescription { get; }

    /// <summary>Sends one frame (one binary message).</summary>
    public abstract Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);

    /// <summary>
    /// Closes with a close code (1000: the player quits, the seat is freed) and reason, waiting a while for the server
    /// to end its side; does nothing when the connection is not open. A pending <see cref="ReceiveAsync"/> then returns null.
    /// </summary>
    public abstract Task CloseAsync(int code, string reason, CancellationToken cancellationToken);

    /// <summary>Ends the connection at once, as a network failure would (no close): the server keeps the seat for a resume.</summary>
    public abstract void Abort();

    /// <summary>The bytes a received frame of <paramref name="frameLength"/> took on the wire, framing included (an estimate where the transport's framing varies).</summary>
    public abstract int WireBytes(int frameLength);

    /// <summary>Releases the connection (aborting it if still open).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the connection's resources.</summary>
    protected abstract void Dispose(bool disposing);
}
