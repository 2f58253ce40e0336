namespace GameServer.Edge;

/// <summary>
/// The transport under a <see cref="PlayerSession"/>: one ordered, reliable connection carrying whole binary frames both
/// ways and a close with a code and reason. A WebSocket (<see cref="WebSocketPlayerConnection"/>) or a SignalR hub
/// connection (<see cref="HubPlayerConnection"/>: WebSockets, Server-Sent Events or long polling underneath); everything
/// above it (limits, rooms, resume, the bounded send queue) is the same for both. Failures surface as
/// <see cref="IOException"/>, <see cref="System.Net.WebSockets.WebSocketException"/> or <see cref="OperationCanceledException"/>.
/// </summary>
internal abstract class PlayerConnection
{
    /// <summary>The transport's name for metrics and logs: <c>websocket</c>, or <c>hub-</c> and SignalR's transport.</summary>
    public abstract string Transport { get; }

    /// <summary>When the client last finished a message (or closed), in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public abstract long LastReceivedAt { get; }

    /// <summary>A message has been started and not finished (only a WebSocket can be in the middle of one).</summary>
    public abstract bool HasPartialMessage { get; }

    /// <summary>The code of the close the client sent, once <see cref="ReceiveAsync"/> returned <see cref="FrameKind.Close"/>.</summary>
    public abstract int? ClientCloseCode { get; }

    /// <summary>A close can still be sent: this side has not sent one and the connection has not failed.</summary>
    public abstract bool CanSendClose { get; }

    /// <summary>
    /// The next message: its kind and length in <paramref name="buffer"/> (which holds at least the maximum message size).
    /// <see cref="FrameKind.TooBig"/> as soon as the limit is passed; <see cref="FrameKind.Close"/> when the client closed.
    /// </summary>
    public abstract Task<(FrameKind Kind, int Length)> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken);

    /// <summary>Sends one binary frame; at most one send is in flight at a time (<see cref="ConnectionSender"/> sees to it).</summary>
    public abstract Task SendAsync(byte[] frame);

    /// <summary>Sends the close (code and reason); nothing is sent after it.</summary>
    public abstract Task SendCloseAsync(int code, string reason);

    /// <summary>After this side's close: completes when the client has answered it or gone (the caller bounds the wait).</summary>
    public abstract Task WaitForClientCloseAsync(CancellationToken cancellationToken);

    /// <summary>Ends the connection at once, without a close.</summary>
    public abstract void Abort();
}
