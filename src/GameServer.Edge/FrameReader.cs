using System.Net.WebSockets;

namespace GameServer.Edge;

/// <summary>
/// Reads a connection's messages one whole message at a time into the caller's buffer, and stops reading one that
/// grows past <c>Edge:MaxMessageBytes</c> rather than buffering it. Notes when the client last finished a message, for
/// the idle timeout: fragments of a message that never ends are not activity, so a client that trickles them is
/// closed like a silent one.
/// </summary>
internal sealed class FrameReader(WebSocket socket, int maxMessageBytes)
{
    private long _lastReceivedAt = Environment.TickCount64;
    private volatile bool _partial;

    /// <summary>When the client last finished a message (or closed), in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long LastReceivedAt => Volatile.Read(ref _lastReceivedAt);

    /// <summary>A message has been started and not finished.</summary>
    public bool HasPartialMessage => _partial;

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
            if (result.MessageType == WebSocketMessageType.Close)
            {
                Finished();
                return (FrameKind.Close, 0);
            }
            length += result.Count;
            if (length > maxMessageBytes)
            {
                Finished();
                return (FrameKind.TooBig, length);
            }
            if (result.EndOfMessage)
            {
                Finished();
                return (result.MessageType == WebSocketMessageType.Text ? FrameKind.Text : FrameKind.Binary, length);
            }
            _partial = true;
        }
    }

    private void Finished()
    {
        _partial = false;
        Volatile.Write(ref _lastReceivedAt, Environment.TickCount64);
    }
}
