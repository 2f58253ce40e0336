using System.Net.WebSockets;

namespace GameServer.Edge.Tests;

/// <summary>A socket that receives what the test queued, chunk by chunk, as the network might deliver it.</summary>
internal sealed class ScriptedWebSocket : WebSocket
{
    private readonly Queue<(byte[] Bytes, WebSocketMessageType Type, bool EndOfMessage)> _chunks = new();
    private int _offset;

    public override WebSocketCloseStatus? CloseStatus => null;

    public override string? CloseStatusDescription => null;

    public override WebSocketState State => WebSocketState.Open;

    public override string? SubProtocol => null;

    /// <summary>Queues one message, split into chunks of the given sizes (all of it in one chunk if none given).</summary>
    public ScriptedWebSocket Message(WebSocketMessageType type, int length, params int[] chunkSizes)
    {
        var sizes = chunkSizes.Length == 0 ? [length] : chunkSizes;
        var sent = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            var chunk = Enumerable.Range(sent, sizes[i]).Select(b => (byte)b).ToArray();
            sent += sizes[i];
            _chunks.Enqueue((chunk, type, i == sizes.Length - 1));
        }
        return this;
    }

    /// <summary>Queues the first <paramref name="chunks"/> chunks of a message that is never finished.</summary>
    public ScriptedWebSocket Unfinished(WebSocketMessageType type, int chunks)
    {
        for (var i = 0; i < chunks; i++)
        {
            _chunks.Enqueue(([(byte)i], type, false));
        }
        return this;
    }

    /// <summary>Chunks queued and not yet received.</summary>
    public int Pending => _chunks.Count;

    public ScriptedWebSocket Close()
    {
        _chunks.Enqueue(([], WebSocketMessageType.Close, true));
        return this;
    }

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_chunks.Count == 0)
        {
            // Nothing more is coming (a client gone quiet) until the read is cancelled, which then reads as a close.
            return new ValueTask<ValueWebSocketReceiveResult>(Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(
                _ => new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, true), TaskScheduler.Default));
        }
        var (bytes, type, end) = _chunks.Peek();
        // A chunk bigger than the space offered arrives in parts, like a real socket's.
        var count = Math.Min(bytes.Length - _offset, buffer.Length);
        bytes.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        var chunkDone = _offset == bytes.Length;
        if (chunkDone)
        {
            _chunks.Dequeue();
            _offset = 0;
        }
        return ValueTask.FromResult(new ValueWebSocketReceiveResult(count, type, chunkDone && end));
    }

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The edge receives into Memory<byte>.");

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Abort()
    {
    }

    public override void Dispose()
    {
    }
}
