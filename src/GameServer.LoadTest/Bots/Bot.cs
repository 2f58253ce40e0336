using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using GameServer.Client;
using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Server;
using GameServer.Protocol;
using GameServer.Protocol.Arena;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// One simulated player: connects, joins, random-walks its input (sent by <see cref="InputPump"/>), and turns what it
/// receives into measurements. Receive-side handlers run on the client's receive thread; keep them allocation-light.
/// </summary>
internal sealed class Bot
{
    /// <summary>WORKLOAD.md: ±2.5 ms uniform jitter per send interval.</summary>
    private const double JitterSeconds = 0.0025;

    private readonly Measurements _measurements;
    private readonly SendTimeRing _sendTimes = new();
    private readonly Random _random;
    private readonly long _intervalTicks;
    private readonly long _jitterTicks;
    private readonly long _phaseTicks;
    private readonly bool _decodeArena;
    private Task _lastSend = Task.CompletedTask;
    private float _dx;
    private float _dy;
    private long _nextSendAt;
    private uint _lastMeasuredSeq;
    private long _lastSnapshotAt;
    private long _snapshots;
    private long _inputsSent;
    private long _inputsAcked;
    private long _skippedSends;
    private long _unmeasurable;
    private volatile bool _sending;
    private volatile bool _inRoom;
    private volatile bool _joined;
    private volatile bool _stopping;
    private volatile bool _errored;
    private bool _decodeFailed;
    private int _disconnectReported;

    /// <param name="accessToken">The player token sent at the handshake (made before the ramp, so connect time is the handshake alone).</param>
    public Bot(int index, bool observer, string roomType, double inputRateHz, int seed, Measurements measurements, TimeSpan requestTimeout, string? accessToken)
    {
        Index = index;
        IsObserver = observer;
        Name = "player " + (index + 1).ToString(CultureInfo.InvariantCulture);
        _measurements = measurements;
        _random = new Random(seed);
        var interval = 1.0 / inputRateHz;
        _intervalTicks = (long)(interval * Stopwatch.Frequency);
        _jitterTicks = (long)(Math.Min(JitterSeconds, interval / 4) * Stopwatch.Frequency);
        _phaseTicks = (long)(_random.NextDouble() * _intervalTicks);
        _decodeArena = observer && roomType == "arena";
        Client = new GameClient(new GameClientOptions { DecodeSnapshots = observer, RequestTimeout = requestTimeout, AccessToken = accessToken });
        Client.InputAcknowledged += OnInputAcknowledged;
        Client.SnapshotFrameReceived += OnSnapshotFrame;
        Client.ErrorReceived += OnError;
        Client.LeftRoom += OnLeftRoom;
        Client.Closed += OnClosed;
        if (observer)
        {
            Client.SnapshotReceived += OnSnapshot;
        }
    }

    public int Index { get; }

    public string Name { get; }

    /// <summary>Decodes the full game state like a real client, not just its own ack.</summary>
    public bool IsObserver { get; }

    public GameClient Client { get; }

    public string? RoomId { get; private set; }

    public bool Joined => _joined;

    /// <summary>Joined and not (yet) closed or removed from the room.</summary>
    public bool InRoom => _inRoom;

    /// <summary>Met at least one error (counts toward the error rate).</summary>
    public bool Errored => _errored;

    public bool IsSending => _sending;

    public long NextSendAt => _nextSendAt;

    public long Snapshots => Interlocked.Read(ref _snapshots);

    public long InputsSent => Interlocked.Read(ref _inputsSent);

    /// <summary>Inputs whose input→ack latency was measured.</summary>
    public long InputsAcked => Interlocked.Read(ref _inputsAcked);

    /// <summary>Inputs not sent because the previous send was still in flight (the socket was backed up).</summary>
    public long SkippedSends => Interlocked.Read(ref _skippedSends);

    /// <summary>Acked inputs whose send time had already left the ring.</summary>
    public long Unmeasurable => Interlocked.Read(ref _unmeasurable);

    /// <summary><see cref="InputsAcked"/> when the measurement window opened.</summary>
    public long InputsAckedAtWindowStart { get; set; }

    /// <summary>Connects and joins; a failure is recorded as an error and leaves the bot closed. Never throws.</summary>
    public async Task<bool> JoinAsync(Uri url, string roomType, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        var started = Clock.Now;
        try
        {
            using var connectTimeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeoutSource.CancelAfter(connectTimeout);
            await Client.ConnectAsync(url, connectTimeoutSource.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var why = ex is OperationCanceledException
                ? cancellationToken.IsCancellationRequested ? "cancelled: the ramp deadline passed or the run was stopped" : $"no connection within {connectTimeout.TotalSeconds:0.#} s"
                : Describe(ex);
            MarkErrored();
            _measurements.Errors.ConnectFailed(Name, why);
            await CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return false;
        }
        var connected = Clock.Now;
        _measurements.ConnectTimes.RecordTicks(connected - started);
        Welcome welcome;
        try
        {
            welcome = await Client.JoinAsync(roomType, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MarkErrored();
            _measurements.Errors.JoinFailed(Name, (ex as GameServerException)?.Code, Describe(ex));
            await CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return false;
        }
        _measurements.JoinTimes.RecordTicks(Clock.Now - connected);
        RoomId = welcome.RoomId;
        _inRoom = true;
        _joined = true;
        if (Client.State == ConnectionState.Closed && !_stopping)
        {
            // Closed between the welcome and here: OnClosed ignored it because the bot had not joined yet.
            _inRoom = false;
            ReportDisconnect(CloseCodeKey(Client.CloseStatus), "closed right after the welcome");
            return false;
        }
        return true;
    }

    /// <summary>Records a join that was never attempted as a join failure.</summary>
    public void GiveUp(string why)
    {
        MarkErrored();
        _measurements.Errors.JoinFailed(Name, null, why);
    }

    /// <summary>Starts the input stream at this bot's random phase within one send interval.</summary>
    public void StartSending(long now)
    {
        _nextSendAt = now + _phaseTicks;
        _sending = _inRoom;
    }

    /// <summary>Called by the send loop only.</summary>
    public void SendInput(long now)
    {
        // Next due time steps from the schedule, not from now, so the 5 ms loop granularity does not lower the rate;
        // after a stall it restarts from now instead of bursting.
        _nextSendAt += _intervalTicks + (long)(((_random.NextDouble() * 2) - 1) * _jitterTicks);
        if (_nextSendAt < now - _intervalTicks)
        {
            _nextSendAt = now + _intervalTicks;
        }
        _dx = Math.Clamp(_dx + (float)((_random.NextDouble() * 0.4) - 0.2), -1f, 1f);
        _dy = Math.Clamp(_dy + (float)((_random.NextDouble() * 0.4) - 0.2), -1f, 1f);
        if (!_lastSend.IsCompleted)
        {
            Interlocked.Increment(ref _skippedSends);
            return;
        }
        var seq = Client.LastSentSeq + 1; // only this loop sends, so the client will assign exactly this number
        _sendTimes.Record(seq, now);
        Task send;
        try
        {
            send = Client.SendInputAsync(new ArenaInput(_dx, _dy).ToPayload());
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            _sending = false; // closed under us; OnClosed records why
            return;
        }
        Interlocked.Increment(ref _inputsSent);
        if (send.IsCompletedSuccessfully)
        {
            return; // the usual case on a healthy socket: nothing allocated beyond the message
        }
        // A failed send means the socket broke and OnClosed reports it; observe the exception so it is not rethrown later.
        if (send.IsCompleted)
        {
            _ = send.Exception;
            return;
        }
        _lastSend = send;
        _ = send.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Closes the connection; a close the tool starts is not an error. Never throws, bounded by <paramref name="timeout"/>.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        _stopping = true;
        _sending = false;
        using var timeoutSource = new CancellationTokenSource(timeout);
        try
        {
            await Client.CloseAsync(timeoutSource.Token).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
        }
        try
        {
            await Client.DisposeAsync().AsTask().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
        }
        _inRoom = false;
    }

    private void OnInputAcknowledged(uint ack, long tick)
    {
        var now = Clock.Now;
        long from = (long)_lastMeasuredSeq + 1;
        if (ack < from)
        {
            return;
        }
        if (ack - from >= SendTimeRing.Capacity)
        {
            var skipped = ack - from + 1 - SendTimeRing.Capacity;
            Interlocked.Add(ref _unmeasurable, skipped);
            from = ack - SendTimeRing.Capacity + 1;
        }
        var measured = 0;
        for (var seq = from; seq <= ack; seq++)
        {
            if (_sendTimes.TryGet((uint)seq, out var sentAt))
            {
                _measurements.Latency.RecordTicks(now - sentAt);
                measured++;
            }
            else
            {
                Interlocked.Increment(ref _unmeasurable);
            }
        }
        _lastMeasuredSeq = ack;
        Interlocked.Add(ref _inputsAcked, measured);
    }

    private void OnSnapshotFrame(long tick, int frameLength)
    {
        var now = Clock.Now;
        if (_lastSnapshotAt != 0)
        {
            _measurements.SnapshotInterval.RecordTicks(now - _lastSnapshotAt);
        }
        _lastSnapshotAt = now;
        Interlocked.Increment(ref _snapshots);
    }

    /// <summary>Observers read the state like a real client; the cost is the point, the values are not checked.</summary>
    private void OnSnapshot(Snapshot snapshot)
    {
        if (!_decodeArena || _decodeFailed)
        {
            return;
        }
        try
        {
            ArenaState.Read(snapshot.GameState);
        }
        catch (Exception ex) when (ex is MessagePack.MessagePackSerializationException or ArgumentException or InvalidOperationException)
        {
            _decodeFailed = true; // reported once per player, not 20 times a second
            MarkErrored();
            _measurements.Errors.StateDecodeFailed(Name, ex.Message);
        }
    }

    private void OnError(Error error)
    {
        // Before the welcome, a refusal fails JoinAsync and is counted there as a join failure.
        if (!_joined || _stopping)
        {
            return;
        }
        MarkErrored();
        _measurements.Errors.ProtocolError(Name, error.Code, error.Message);
    }

    private void OnLeftRoom(Left left)
    {
        _inRoom = false;
        _sending = false;
        if (_stopping)
        {
            return;
        }
        ReportDisconnect("left:" + left.Reason, $"removed from room {left.RoomId}");
    }

    private void OnClosed(WebSocketCloseStatus? status, string? reason)
    {
        var wasInRoom = _inRoom;
        _inRoom = false;
        _sending = false;
        if (_stopping || !_joined || !wasInRoom)
        {
            return;
        }
        ReportDisconnect(CloseCodeKey(status), string.IsNullOrEmpty(reason) ? "no reason given" : reason);
    }

    /// <summary>A player is lost once: the close and the checks around the welcome can both notice it.</summary>
    private void ReportDisconnect(string closeCode, string why)
    {
        if (Interlocked.Exchange(ref _disconnectReported, 1) == 0)
        {
            MarkErrored();
            _measurements.Errors.Disconnected(Name, closeCode, why);
        }
    }

    private void MarkErrored() => _errored = true;

    private static string CloseCodeKey(WebSocketCloseStatus? status) =>
        status is { } code ? ((int)code).ToString(CultureInfo.InvariantCulture) : "none";

    private static string Describe(Exception ex) => ex switch
    {
        GameServerException server => $"{ErrorLog.ErrorCodeName(server.Code)}: {server.Message}",
        WebSocketException socket when HandshakeRefusal.Explain(socket) is { } refusal => $"{socket.Message} ({refusal})",
        WebSocketException { InnerException: { } inner } socket => $"{socket.Message} ({inner.Message})",
        _ => ex.Message,
    };
}
