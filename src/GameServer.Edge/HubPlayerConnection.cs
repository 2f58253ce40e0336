using System.Threading.Channels;
using GameServer.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace GameServer.Edge;

/// <summary>
/// A player's connection over the SignalR hub (<see cref="HubTransport"/>): client frames arrive through the hub's
/// <c>Send</c> method into a small bounded queue (a client that sends faster than its session reads waits: SignalR runs
/// one hub call per connection at a time), server frames go out as <c>Frame</c> calls, and the close is a <c>Close</c>
/// call each way. A hub connection that ends without the client's <c>Close</c> is a lost connection, like a WebSocket
/// dropped without a close frame.
/// </summary>
internal sealed class HubPlayerConnection : PlayerConnection
{
    // Client frames waiting for the session; more only wait in SignalR's (bounded) transport buffer.
    private const int InboundCapacity = 16;

    private readonly HubCallerContext _context;
    private readonly IClientProxy _client;
    private readonly int _maxMessageBytes;
    private readonly int _closeTimeoutMs;
    private readonly Channel<byte[]> _inbound = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(InboundCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastReceivedAt = Environment.TickCount64;
    private volatile bool _closeSent;
    private int? _clientCloseCode;

    public HubPlayerConnection(HubCallerContext context, IClientProxy client, string transport, EdgeOptions options)
    {
        _context = context;
        _client = client;
        Transport = transport;
        _maxMessageBytes = options.MaxMessageBytes;
        _closeTimeoutMs = options.CloseTimeoutMs;
    }

    public override string Transport { get; }

    public override long LastReceivedAt => Volatile.Read(ref _lastReceivedAt);

    // A hub call is a whole message or nothing.
    public override bool HasPartialMessage => false;

    public override int? ClientCloseCode => _clientCloseCode;

    public override bool CanSendClose => !_closeSent && !_ended.Task.IsCompleted;

    public override Task Drained => _ended.Task;

    /// <summary>The hub's <c>Send</c>: queues a client frame, waiting while the queue is full; dropped once the client has closed.</summary>
    public async ValueTask DeliverAsync(byte[] frame)
    {
        Volatile.Write(ref _lastReceivedAt, Environment.TickCount64);
        try
        {
            while (!_inbound.Writer.TryWrite(frame))
            {
                if (!await _inbound.Writer.WaitToWriteAsync(_context.ConnectionAborted).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended while the frame waited; nobody is left to read it. (A hub method that throws logs an error.)
        }
    }

    /// <summary>The hub's <c>Close</c>: the client's close, read after any frames it sent before it.</summary>
    public void ClientClosed(int code)
    {
        Volatile.Write(ref _lastReceivedAt, Environment.TickCount64);
        _clientCloseCode ??= code;
        _inbound.Writer.TryComplete();
    }

    /// <summary>The hub connection ended (the client stopped, the transport failed or this side aborted it).</summary>
    public void OnEnded()
    {
        _ended.TrySetResult();
        _inbound.Writer.TryComplete();
    }

    public override async Task<(FrameKind Kind, int Length)> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_inbound.Reader.TryRead(out var frame))
            {
                if (frame.Length > _maxMessageBytes)
                {
                    return (FrameKind.TooBig, frame.Length);
                }
                frame.CopyTo(buffer, 0);
                return (FrameKind.Binary, frame.Length);
            }
            if (!await _inbound.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return _clientCloseCode is null ? throw new IOException("The hub connection was lost.") : (FrameKind.Close, 0);
            }
        }
    }

    public override Task SendAsync(byte[] frame) =>
        _ended.Task.IsCompleted ? Task.FromException(new IOException("The hub connection has ended.")) : _client.SendAsync(HubTransport.FrameMethod, frame);

    public override async Task SendCloseAsync(int code, string reason)
    {
        _closeSent = true;
        if (_ended.Task.IsCompleted)
        {
            return;
        }
        await _client.SendAsync(HubTransport.CloseMethod, code, reason).ConfigureAwait(false);
        // The client stops the connection when it reads the close; one that does not is cut off, as a WebSocket would be.
        _ = AbortUnlessEndedAsync();
    }

    private async Task AbortUnlessEndedAsync()
    {
        if (await Task.WhenAny(_ended.Task, Task.Delay(_closeTimeoutMs)).ConfigureAwait(false) != _ended.Task)
        {
            _context.Abort();
        }
    }

    public override async Task WaitForClientCloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override void Abort() => _context.Abort();
}
