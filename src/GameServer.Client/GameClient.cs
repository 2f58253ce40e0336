using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using GameServer.Protocol;
using MessagePack;

namespace GameServer.Client;

/// <summary>
/// A player's connection to a GameServer: connect, join a room, send sequenced inputs, receive snapshots, measure
/// round-trip time. Events are raised on the receive loop's thread; keep handlers short.
/// </summary>
public sealed class GameClient : IAsyncDisposable
{
    private readonly GameClientOptions _options;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<double, TaskCompletionSource<double>> _pings = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ClientWebSocket? _socket;
    private Task? _receiveLoop;
    private TaskCompletionSource<Welcome>? _pendingJoin;
    private TaskCompletionSource<Left>? _pendingLeave;
    private Welcome? _welcome;
    private int _nextSeq;
    private long _bytesReceived;
    private long _wireBytesReceived;
    private long _snapshotsReceived;
    private long _lastTick = -1;
    private long _lastAckedSeq;

    public GameClient(GameClientOptions? options = null)
    {
        _options = options ?? new GameClientOptions();
    }

    /// <summary>A decoded snapshot (only when <see cref="GameClientOptions.DecodeSnapshots"/> is on).</summary>
    public event Action<Snapshot>? SnapshotReceived;

    /// <summary>This player's last processed input sequence advanced: (new ack, snapshot tick).</summary>
    public event Action<uint, long>? InputAcknowledged;

    /// <summary>A snapshot frame arrived: (tick, frame bytes). Raised for every snapshot, decoded or not.</summary>
    public event Action<long, int>? SnapshotFrameReceived;

    /// <summary>The server sent an <see cref="Error"/>.</summary>
    public event Action<Error>? ErrorReceived;

    /// <summary>The server said this player left a room (e.g. <c>"room-closed"</c>).</summary>
    public event Action<Left>? LeftRoom;

    /// <summary>The room's tick rate, snapshot rate or capacity changed (a designer tuned it live); <see cref="Room"/> has the new values.</summary>
    public event Action<SettingsChanged>? SettingsChanged;

    /// <summary>The connection closed: the server's close status and reason, or null if it just dropped.</summary>
    public event Action<WebSocketCloseStatus?, string?>? Closed;

    public ConnectionState State { get; private set; } = ConnectionState.Disconnected;

    /// <summary>The current room's welcome, or null when not in a room.</summary>
    public Welcome? Room => _welcome;

    /// <summary>The sequence number of the last input sent (0 before the first).</summary>
    public uint LastSentSeq => (uint)Volatile.Read(ref _nextSeq);

    /// <summary>The server's last processed input sequence for this player, from the newest snapshot.</summary>
    public uint LastAckedSeq => (uint)Interlocked.Read(ref _lastAckedSeq);

    /// <summary>The newest snapshot's tick, or -1.</summary>
    public long LastTick => Interlocked.Read(ref _lastTick);

    public long SnapshotsReceived => Interlocked.Read(ref _snapshotsReceived);

    /// <summary>Message payload bytes received.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Bytes received including WebSocket frame headers (2–10 bytes each; server frames are unmasked).</summary>
    public long WireBytesReceived => Interlocked.Read(ref _wireBytesReceived);

    /// <summary>The latest measured round-trip time, or null before the first <see cref="PingAsync"/>.</summary>
    public TimeSpan? LastRoundTrip { get; private set; }

    /// <summary>The close status the server sent, once closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket?.CloseStatus;

    public string? CloseStatusDescription => _socket?.CloseStatusDescription;

    /// <summary>Opens the WebSocket with the protocol's sub-protocol; throws <see cref="WebSocketException"/> if refused.</summary>
    public async Task ConnectAsync(Uri uri, CancellationToken cancellationToken = default)
    {
        if (_socket is not null)
        {
            throw new InvalidOperationException("This client is already connected; create a new one to reconnect.");
        }
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(ProtocolVersion.SubProtocol);
        foreach (var header in _options.Headers)
        {
            socket.Options.SetRequestHeader(header.Key, header.Value);
        }
        if (_options.AccessToken is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + _options.AccessToken);
        }
        if (_options.RemoteCertificateValidationCallback is not null)
        {
            socket.Options.RemoteCertificateValidationCallback = _options.RemoteCertificateValidationCallback;
        }
        _socket = socket;
        State = ConnectionState.Connecting;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            State = ConnectionState.Closed;
            throw;
        }
        State = ConnectionState.Connected;
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    /// <summary>Matchmakes into a room of <paramref name="roomType"/> (join-or-create).</summary>
    public Task<Welcome> JoinAsync(string roomType, CancellationToken cancellationToken = default) =>
        JoinCoreAsync(new Join(roomType), cancellationToken);

    /// <summary>Joins a specific room by id.</summary>
    public Task<Welcome> JoinRoomAsync(string roomId, CancellationToken cancellationToken = default) =>
        JoinCoreAsync(new Join(null, roomId), cancellationToken);

    /// <summary>Sends one input with the next sequence number and returns that number.</summary>
    public async Task<uint> SendInputAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var seq = (uint)Interlocked.Increment(ref _nextSeq);
        var clientTick = LastTick < 0 ? 0 : LastTick;
        await SendAsync(new Input(seq, clientTick, payload), cancellationToken).ConfigureAwait(false);
        return seq;
    }

    /// <summary>Measures one round trip to the edge.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var sentAt = _clock.Elapsed.TotalMilliseconds;
        var pong = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[sentAt] = pong;
        try
        {
            await SendAsync(new Ping(sentAt), cancellationToken).ConfigureAwait(false);
            var echoed = await WaitAsync(pong.Task, "pong", cancellationToken).ConfigureAwait(false);
            var rtt = TimeSpan.FromMilliseconds(_clock.Elapsed.TotalMilliseconds - echoed);
            LastRoundTrip = rtt;
            return rtt;
        }
        finally
        {
            _pings.TryRemove(sentAt, out _);
        }
    }

    /// <summary>Leaves the current room; the connection stays open.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        var left = new TaskCompletionSource<Left>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingLeave = left;
        await SendAsync(new Leave(), cancellationToken).ConfigureAwait(false);
        await WaitAsync(left.Task, "left", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends raw bytes as one binary frame (for tests of the server's validation).</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> frame, WebSocketMessageType type = WebSocketMessageType.Binary, CancellationToken cancellationToken = default)
    {
        var socket = _socket ?? throw new InvalidOperationException("Connect first.");
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(frame, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the connection with a normal close handshake.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        var socket = _socket;
        if (socket is null || socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
        }
        if (_receiveLoop is not null)
        {
            await _receiveLoop.ConfigureAwait(false);
        }
    }

    /// <summary>Completes when the receive loop ends (the connection closed or failed).</summary>
    public Task Completion => _receiveLoop ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await CloseAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _socket?.Dispose();
        _sendLock.Dispose();
    }

    private async Task<Welcome> JoinCoreAsync(Join join, CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<Welcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _pendingJoin, pending, null) is not null)
        {
            throw new InvalidOperationException("A join is already in progress.");
        }
        try
        {
            await SendAsync(join, cancellationToken).ConfigureAwait(false);
            return await WaitAsync(pending.Task, "welcome", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.CompareExchange(ref _pendingJoin, null, pending);
        }
    }

    private async Task SendAsync(ClientMessage message, CancellationToken cancellationToken)
    {
        var bytes = MessageCodec.Encode(message);
        await SendRawAsync(bytes, WebSocketMessageType.Binary, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> WaitAsync<T>(Task<T> task, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (timeout.Token.Register(() => cancelled.TrySetResult(true)))
        {
            if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"No {what} from the server within {_options.RequestTimeout.TotalSeconds:0.#} s.");
            }
        }
        return await task.ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        var socket = _socket!;
        var buffer = new byte[_options.ReceiveBufferBytes];
        WebSocketCloseStatus? status = null;
        string? reason = null;
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    status = socket.CloseStatus;
                    reason = socket.CloseStatusDescription;
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
                    }
                    break;
                }
                Interlocked.Add(ref _bytesReceived, length);
                Interlocked.Add(ref _wireBytesReceived, length + FrameHeaderBytes(length));
                Dispatch(new ReadOnlyMemory<byte>(buffer, 0, length));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            status = socket.CloseStatus;
            reason = socket.CloseStatusDescription;
        }
        finally
        {
            State = ConnectionState.Closed;
            var closed = new InvalidOperationException($"Connection closed ({(int?)status} {reason}).");
            _pendingJoin?.TrySetException(closed);
            _pendingLeave?.TrySetException(closed);
            foreach (var ping in _pings.Values)
            {
                ping.TrySetException(closed);
            }
            Closed?.Invoke(status, reason);
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> frame)
    {
        if (MessageCodec.PeekType(frame.Span) == MessageType.Snapshot && !_options.DecodeSnapshots)
        {
            ReadSnapshotLite(frame);
            return;
        }
        ServerMessage message;
        try
        {
            message = MessageCodec.DecodeServer(frame);
        }
        catch (ProtocolException)
        {
            return; // a newer server's message this client does not know: ignore
        }
        switch (message)
        {
            case Snapshot snapshot:
                OnSnapshot(snapshot.Tick, _welcome is { } w ? snapshot.AckFor(w.EntityId) : 0, frame.Length);
                SnapshotReceived?.Invoke(snapshot);
                break;
            case Welcome welcome:
                _welcome = welcome;
                State = ConnectionState.InRoom;
                Interlocked.Exchange(ref _lastAckedSeq, 0);
                Interlocked.Exchange(ref _nextSeq, 0);
                _pendingJoin?.TrySetResult(welcome);
                break;
            case Pong pong:
                if (_pings.TryGetValue(pong.ClientTimeMs, out var pending))
                {
                    pending.TrySetResult(pong.ClientTimeMs);
                }
                break;
            case Error error:
                _pendingJoin?.TrySetException(new GameServerException(error.Code, error.Message));
                ErrorReceived?.Invoke(error);
                break;
            case SettingsChanged changed:
                // The room keeps the player; only its rates changed. Room reflects the new rates from now on.
                if (_welcome is { } current)
                {
                    _welcome = current with
                    {
                        TickRateHz = changed.TickRateHz,
                        SnapshotEveryTicks = changed.SnapshotEveryTicks,
                        MaxPlayers = changed.MaxPlayers,
                    };
                }
                SettingsChanged?.Invoke(changed);
                break;
            case Left left:
                _welcome = null;
                State = ConnectionState.Connected;
                _pendingLeave?.TrySetResult(left);
                LeftRoom?.Invoke(left);
                break;
        }
    }

    private void ReadSnapshotLite(ReadOnlyMemory<byte> frame)
    {
        var reader = new MessagePackReader(frame);
        reader.ReadArrayHeader();
        reader.ReadInt32();
        reader.ReadArrayHeader();
        var tick = reader.ReadInt64();
        reader.ReadUInt32();
        var values = reader.ReadArrayHeader();
        var entityId = _welcome?.EntityId ?? -1;
        uint ack = 0;
        for (var i = 0; i + 1 < values; i += 2)
        {
            var id = reader.ReadInt32();
            var seq = reader.ReadUInt32();
            if (id == entityId)
            {
                ack = seq;
                break;
            }
        }
        OnSnapshot(tick, ack, frame.Length);
    }

    private void OnSnapshot(long tick, uint ack, int frameLength)
    {
        Interlocked.Increment(ref _snapshotsReceived);
        Interlocked.Exchange(ref _lastTick, tick);
        SnapshotFrameReceived?.Invoke(tick, frameLength);
        if (ack > LastAckedSeq)
        {
            Interlocked.Exchange(ref _lastAckedSeq, (long)ack);
            InputAcknowledged?.Invoke(ack, tick);
        }
    }

    private static int FrameHeaderBytes(int payload) => payload < 126 ? 2 : payload <= ushort.MaxValue ? 4 : 10;
}
