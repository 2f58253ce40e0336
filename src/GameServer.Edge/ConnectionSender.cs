using System.Net.WebSockets;
using GameServer.Abstractions;

namespace GameServer.Edge;

/// <summary>
/// A connection's bounded outbound path, the same on every transport. At most one send is in flight (WebSocket allows no more); while it is, a new
/// snapshot replaces the one waiting (the client only needs the newest), and control messages queue up to a limit.
/// A client that lets too many snapshots go unsent in a row is closed with 4001, or aborted if even the close cannot
/// be sent. Application memory per connection is therefore one snapshot plus a few small messages, however slow the
/// client; below it, the kernel and Kestrel hold at most 2 × <see cref="EdgeOptions.SendBufferBytes"/>.
/// On a gameserver.v2 connection each snapshot goes as the room's delta when the snapshot sent before it on this
/// connection is the delta's base, else in full; the choice is made when its send starts, after the previous send
/// completed, so a delta always follows its base on the (ordered, reliable) WebSocket.
/// </summary>
internal sealed class ConnectionSender
{
    private readonly PlayerConnection _connection;
    private readonly EdgeOptions _options;
    private readonly EdgeMetrics _metrics;
    private readonly Queue<byte[]> _control = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _closeSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SnapshotFrame? _pendingSnapshot;
    // The seat the pending snapshot is for: its view picks the frames, its entity any events of its own.
    private int _pendingView;
    private int _pendingEntity;
    // Events frames to send right after the snapshot being sent, in order: its own, and those of snapshots it replaced.
    private readonly Queue<byte[]> _events = new();
    private readonly List<byte[]> _replacedEvents = new();
    // The last snapshot whose send started on this connection, by room stream and tick: the only base a delta may use.
    private long _sentStream;
    private long _sentTick;
    private bool _sending;
    private bool _failed;
    private int _consecutiveDrops;
    private (WebSocketCloseStatus Status, string Reason)? _close;

    public ConnectionSender(PlayerConnection connection, EdgeOptions options, EdgeMetrics metrics, bool deltaSnapshots = false)
    {
        _connection = connection;
        _options = options;
        _metrics = metrics;
        DeltaSnapshots = deltaSnapshots;
    }

    /// <summary>The connection speaks gameserver.v2: snapshots may go as deltas.</summary>
    public bool DeltaSnapshots { get; }

    /// <summary>Snapshots sent as deltas.</summary>
    public long DeltasSent { get; private set; }

    /// <summary>Snapshots replaced before they could be sent.</summary>
    public long SnapshotsDropped { get; private set; }

    public long BytesSent { get; private set; }

    /// <summary>Set when the sender closed the connection for falling behind.</summary>
    public bool ClosedAsSlowConsumer { get; private set; }

    /// <summary>Completes once a close frame has been sent (or the socket failed).</summary>
    public Task CloseSent => _closeSent.Task;

    /// <summary>The client asked for a full snapshot (it lost track): the next one goes in full.</summary>
    public void RequestKeyframe()
    {
        lock (_gate)
        {
            _sentStream = 0;
        }
    }

    /// <summary>
    /// Queues <paramref name="frame"/> for the seat of <paramref name="entityId"/> in <paramref name="view"/>: that view's
    /// snapshot, then the seat's events. A snapshot waiting to be sent is replaced, but its events are kept and go after
    /// the newer one (too many kept is a slow consumer).
    /// </summary>
    public void EnqueueSnapshot(SnapshotFrame frame, int view = 0, int entityId = 0)
    {
        byte[]? bytes;
        SendKind kind;
        lock (_gate)
        {
            if (_close is not null || _failed)
            {
                return;
            }
            if (_sending)
            {
                if (_pendingSnapshot is not null)
                {
                    SnapshotsDropped++;
                    _metrics.SnapshotDropped();
                    if (++_consecutiveDrops >= _options.MaxConsecutiveDroppedSnapshots || !KeepEvents(_pendingSnapshot, _pendingView, _pendingEntity))
                    {
                        CloseAsSlowConsumer();
                        return;
                    }
                }
                _pendingSnapshot = frame;
                _pendingView = view;
                _pendingEntity = entityId;
                return;
            }
            (bytes, kind) = ChooseForm(frame, view, entityId);
            if (bytes is null)
            {
                return;
            }
            _sending = true;
        }
        _ = PumpAsync(bytes, kind);
    }

    /// <summary>
    /// The bytes to send for <paramref name="frame"/> now (under the gate, as its send starts; it becomes the base) with
    /// its events queued after it; null when the frame has nothing for this seat's view.
    /// </summary>
    private (byte[]? Bytes, SendKind Kind) ChooseForm(SnapshotFrame frame, int view, int entityId)
    {
        if (!frame.TryPick(view, entityId, out var full, out var delta, out var events))
        {
            return (null, SendKind.Snapshot);
        }
        foreach (var carried in _replacedEvents)
        {
            _events.Enqueue(carried);
        }
        _replacedEvents.Clear();
        if (events is { Length: > 0 })
        {
            _events.Enqueue(events);
        }
        var sendDelta = DeltaSnapshots && delta is not null && frame.Stream == _sentStream && frame.BaseTick == _sentTick;
        _sentStream = frame.Stream;
        _sentTick = frame.Tick;
        if (sendDelta)
        {
            DeltasSent++;
            return (delta!, SendKind.Delta);
        }
        return (full, SendKind.Snapshot);
    }

    /// <summary>
    /// Events of a snapshot that arrived after a newer one (one-way messages may overtake each other): they go after the
    /// next snapshot sent, like those of a replaced one.
    /// </summary>
    public void EnqueueLateEvents(byte[] events)
    {
        lock (_gate)
        {
            if (_close is not null || _failed)
            {
                return;
            }
            if (_replacedEvents.Count < _options.MaxQueuedControlMessages)
            {
                _replacedEvents.Add(events);
                return;
            }
            CloseAsSlowConsumer();
            if (_sending)
            {
                return;
            }
            _sending = true;
        }
        _ = PumpAsync(null, SendKind.Control); // nothing in flight to send the close after
    }

    /// <summary>Keeps the events of a snapshot that is being replaced; false when too many are kept already.</summary>
    private bool KeepEvents(SnapshotFrame replaced, int view, int entityId)
    {
        if (!replaced.TryPick(view, entityId, out _, out _, out var events) || events is not { Length: > 0 })
        {
            return true;
        }
        if (_replacedEvents.Count >= _options.MaxQueuedControlMessages)
        {
            return false;
        }
        _replacedEvents.Add(events);
        return true;
    }

    private enum SendKind
    {
        Control,
        Snapshot,
        Delta,
    }

    /// <summary>Queues a non-snapshot message; false (and a slow-consumer close) if too many are already waiting.</summary>
    public bool EnqueueControl(byte[] frame)
    {
        lock (_gate)
        {
            if (_close is not null || _failed)
            {
                return false;
            }
            if (_sending)
            {
                if (_control.Count >= _options.MaxQueuedControlMessages)
                {
                    CloseAsSlowConsumer();
                    return false;
                }
                _control.Enqueue(frame);
                return true;
            }
            _sending = true;
        }
        _ = PumpAsync(frame, SendKind.Control);
        return true;
    }

    /// <summary>True once this side decided to close (drain, idle, protocol error, slow consumer, …).</summary>
    public bool CloseRequested
    {
        get
        {
            lock (_gate)
            {
                return _close is not null;
            }
        }
    }

    /// <summary>Sends a close frame after what is queued; nothing is sent after it.</summary>
    public void RequestClose(WebSocketCloseStatus status, string reason)
    {
        lock (_gate)
        {
            if (_close is not null || _failed)
            {
                return;
            }
            _close = (status, reason);
            _pendingSnapshot = null;
            _replacedEvents.Clear();
            if (_sending)
            {
                return;
            }
            _sending = true;
        }
        _ = PumpAsync(null, SendKind.Control);
    }

    private void CloseAsSlowConsumer()
    {
        // Called under _gate while a send is stuck: queue the close, and abort if it cannot get out in time.
        ClosedAsSlowConsumer = true;
        _close = ((WebSocketCloseStatus)Protocol.CloseCode.SlowConsumer, "Too far behind: snapshots were not read in time.");
        _pendingSnapshot = null;
        _replacedEvents.Clear();
        _events.Clear();
        _control.Clear();
        _ = AbortUnlessClosedAsync();
    }

    private async Task AbortUnlessClosedAsync()
    {
        var finished = await Task.WhenAny(_closeSent.Task, Task.Delay(_options.CloseTimeoutMs)).ConfigureAwait(false);
        if (finished != _closeSent.Task)
        {
            _connection.Abort();
            _closeSent.TrySetResult();
        }
    }

    private async Task PumpAsync(byte[]? first, SendKind kind)
    {
        var next = first;
        try
        {
            while (true)
            {
                if (next is not null)
                {
                    await _connection.SendAsync(next).ConfigureAwait(false);
                    BytesSent += next.Length;
                    if (kind == SendKind.Control)
                    {
                        _metrics.ControlSent(next.Length);
                    }
                    else
                    {
                        _metrics.SnapshotSent(next.Length, kind == SendKind.Delta);
                    }
                }
                (WebSocketCloseStatus Status, string Reason)? close = null;
                lock (_gate)
                {
                    if (_events.TryDequeue(out next))
                    {
                        kind = SendKind.Control; // right after its snapshot, before anything else
                    }
                    else if (_control.TryDequeue(out next))
                    {
                        kind = SendKind.Control;
                    }
                    else if (_pendingSnapshot is not null)
                    {
                        (next, kind) = ChooseForm(_pendingSnapshot, _pendingView, _pendingEntity);
                        _pendingSnapshot = null;
                        _consecutiveDrops = 0;
                    }
                    else if (_close is not null && !_closeSent.Task.IsCompleted)
                    {
                        close = _close;
                    }
                    else
                    {
                        _sending = false;
                        return;
                    }
                }
                if (close is not null)
                {
                    if (_connection.CanSendClose)
                    {
                        await _connection.SendCloseAsync((int)close.Value.Status, close.Value.Reason).ConfigureAwait(false);
                    }
                    _closeSent.TrySetResult();
                    // stays "_sending" so nothing more is ever sent
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            lock (_gate)
            {
                _failed = true;
            }
            _closeSent.TrySetResult();
        }
    }
}
