using System.Net.WebSockets;

namespace GameServer.Edge;

/// <summary>
/// Reads a connection's messages one whole message at a time into the caller's buffer, and stops reading one that
/// grows past <c>Edge:MaxMessageBytes</c> rather than buffering it. Notes when the client last sent anything, for the
/// idle timeout.
/// </summary>
internal sealed class FrameReader(WebSocket socket, int maxMessageBytes)
{
    private long _lastReceivedAt = Environment.TickCount64;

    /// <summary>When the client last sent anything, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long LastReceivedAt => Volatile.Read(ref _lastReceivedAt);

    /// <summary>
    /// The next message: its kind and length in <paramref name="buffer"/> (which must hold at least the maximum).
    /// <see cref="FrameKind.TooBig"/> as soon as the limit is passed; the rest of that message is never read.
    /// </summary>
    public async Task<(FrameKind Kind, int Length)> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            // One byte past the limit is enough to know a message is too big.
            var memory = buffer.AsMemory(length, Math.Min(buffer.Length, maxMessageBytes + 1) - length);
            if (memory.IsEmpty)
            {
                return (FrameKind.TooBig, length);
            }
            var result = await socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastReceivedAt, Environment.TickCount64);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (FrameKind.Close, 0);
            }
            length += result.Count;
            if (length > maxMessageBytes)
            {
                return (FrameKind.TooBig, length);
            }
            if (result.EndOfMessage)
            {
                return (result.MessageType == WebSocketMessageType.Text ? FrameKind.Text : FrameKind.Binary, length);
            }
        }
    }
}
