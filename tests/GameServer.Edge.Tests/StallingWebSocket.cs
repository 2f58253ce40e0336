using System.Net.WebSockets;

namespace GameServer.Edge.Tests;

/// <summary>
/// A socket whose sends complete only when the test says so: the way a client that stopped reading looks to the
/// server once the kernel buffers are full. Records what was sent and how it closed.
/// </summary>
internal sealed class StallingWebSocket : WebSocket
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _stalledSend;
    private WebSocketState _state = WebSocketState.Open;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;

    public bool Stall { get; set; }

    public List<byte[]> Sent { get; } = new();

    public bool Aborted { get; private set; }

    public override WebSocketCloseStatus? CloseStatus => _closeStatus;

    public override string? CloseStatusDescription => _closeDescription;

    public override WebSocketState State => _state;

    public override string? SubProtocol => null;

    /// <summary>Lets the stuck send complete (and later ones complete at once).</summary>
    public void Release()
    {
        TaskCompletionSource? stalled;
        lock (_gate)
        {
            Stall = false;
            stalled = _stalledSend;
            _stalledSend = null;
        }
        stalled?.TrySetResult();
    }

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Task wait;
        lock (_gate)
        {
            Sent.Add(buffer.ToArray());
            if (!Stall)
            {
                return;
            }
            _stalledSend = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _stalledSend.Task;
        }
        await wait;
        if (Aborted)
        {
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }
    }

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _closeStatus = closeStatus;
        _closeDescription = statusDescription;
        _state = WebSocketState.CloseSent;
        return Task.CompletedTask;
    }

    public override void Abort()
    {
        Aborted = true;
        _state = WebSocketState.Aborted;
        _stalledSend?.TrySetResult();
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The sender never receives.");

    public override void Dispose()
    {
    }
}
