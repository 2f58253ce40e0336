using System.Net.WebSockets;

namespace GameServer.Edge;

/// <summary>A player's WebSocket: frames are binary messages, the close is the WebSocket close handshake.</summary>
internal sealed class WebSocketPlayerConnection(WebSocket socket, int maxMessageBytes) : PlayerConnection
{
    private readonly FrameReader _reader = new(socket, maxMessageBytes);

    public override string Transport => "websocket";

    public override long LastReceivedAt => _reader.LastReceivedAt;

    public override bool HasPartialMessage => _reader.HasPartialMessage;

    public override int? ClientCloseCode => (int?)socket.CloseStatus;

    public override bool CanSendClose => socket.State is WebSocketState.Open or WebSocketState.CloseReceived;

    public override Task<(FrameKind Kind, int Length)> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken) =>
        _reader.ReceiveAsync(buffer, cancellationToken);

    public override Task SendAsync(byte[] frame) =>
        socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    public override Task SendCloseAsync(int code, string reason) =>
        socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);

    public override async Task WaitForClientCloseAsync(CancellationToken cancellationToken)
    {
        var drain = new byte[256];
        try
        {
            while (socket.State == WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(drain.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }

    public override void Abort() => socket.Abort();
}
