using System.Net.WebSockets;

namespace GameServer.Client;

/// <summary>Reads whole WebSocket messages from one connection into a buffer that grows for larger frames.</summary>
internal sealed class FrameReader
{
    private byte[] _buffer;

    public FrameReader(ClientWebSocket socket, Uri endpoint, int bufferBytes)
    {
        Socket = socket;
        Endpoint = endpoint;
        _buffer = new byte[Math.Max(16, bufferBytes)];
    }

    public ClientWebSocket Socket { get; }

    public Uri Endpoint { get; }

    /// <summary>The next message's length, or -1 for a close frame. The message stays valid until the next read.</summary>
    public async ValueTask<int> ReadAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            result = await Socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            length += result.Count;
        }
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
        return result.MessageType == WebSocketMessageType.Close ? -1 : length;
    }

    public ReadOnlyMemory<byte> Message(int length) => new(_buffer, 0, length);
}
