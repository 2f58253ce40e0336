using System.Globalization;
using System.Net.WebSockets;
using GameServer.Client;
using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Server;
using GameServer.Protocol;
using GameServer.Protocol.Arena;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// One simulated player: connects, joins, sends its <see cref="InputSchedule"/> (driven by <see cref="InputPump"/>),
/// and turns what it receives into measurements. Receive-side handlers run on the client's receive thread; keep them allocation-light.
/// When the connection drops, the SDK reconnects and resumes the seat by itself; the bot keeps playing through it and
/// records the recovery (<see cref="BotRecovery"/>). Only a failed resume or the SDK giving up is an error.
/// </summary>
internal sealed class Bot
{
    private readonly Measurements _measurements;
    private readonly AckTimer _acks = new();
    private readonly BotRecovery _recovery = new();
    private readonly InputSchedule _schedule;
    private readonly RestoreDetector _restores;
    private readonly bool _decodeArena;
    private Task _lastSend = Task.CompletedTask;
    private long _lastSnapshotAt;
    private long _snapshots;
    private long _inputsSent;
    private long _skippedSends;
    private long _inputsDropped;
    private long _inputsRolledBack;
    private int _tickRateHz;
    private volatile bool _sending;
    private volatile bool _joined;
    private volatile bool _stopping;
    private volatile bool _errored;
    private bool _decodeFailed;
    private int _disconnectReported;

    /// <param name="accessToken">The player token sent at the handshake (made before the ramp, so connect time is the handshake alone).</param>
    /// <param name="deltaSnapshots">Offer delta snapshots (gameserver.v2); false speaks gameserver.v1 (--deltas off).</param>
    /// <param name="transport">How to reach the server (--transport); null is the WebSocket.</param>
    public Bot(int index, bool observer, string roomType, double inputRateHz, int seed, Measurements measurements, TimeSpan requestTimeout, string? accessToken,
        bool deltaSnapshots = true, ClientTransport? transport = null)
    {
        Index = index;
        IsObserver = observer;
        Name = "player " + (index + 1).ToString(CultureInfo.InvariantCulture);
        _measurements = measurements;
        _schedule = new InputSchedule(inputRateHz, new Random(seed));
        _restores = new RestoreDetector(_recovery, ConfirmRestore);
        _decodeArena = observer && roomType == "arena";
        // The SDK's default reconnect policy (backoff with full jitter, 10 attempts), as a real client has it.
        // Deltas: a bot that does not decode needs no game state to follow them; an arena observer rebuilds each snapshot
        // as a real client does. An observer of another room type has no delta reader here, so it gets full snapshots.
        Client = new GameClient(new GameClientOptions
        {
            DecodeSnapshots = observer,
            StateDelta = _decodeArena ? ArenaDelta.Instance : null,
            DeltaSnapshots = deltaSnapshots,
            RequestTimeout = requestTimeout,
            AccessToken = accessToken,
            Transport = transport ?? ClientTransport.WebSocket,
        });
        Client.InputAcknowledged += OnInputAcknowledged;
        Client.SnapshotFrameReceived += OnSnapshotFrame;
        Client.ErrorReceived += OnError;
        Client.LeftRoom += OnLeftRoom;
        Client.Closed += OnClosed;
        Client.Reconnecting += OnReconnecting;
        Client.Resumed += OnResumed;
        Client.ResumeFailed += OnResumeFailed;
        Client.Reconnected += OnReconnected;
        Client.RoomRestored += OnRoomRestored;
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

    /// <summary>Joined, still holding its seat, and connected (not reconnecting).</summary>
    public bool InRoom => _recovery.IsSeated && !_recovery.IsReconnecting;

    /// <summary>Drops, stalls and restores as this player saw them.</summary>
    public BotRecovery Recovery => _recovery;

    /// <summary>Inputs not sent because the connection was down: the bot's own skips and the SDK's drops.</summary>
    public long InputsDropped => Interlocked.Read(ref _inputsDropped) + Client.InputsDropped;

    /// <summary>Inputs acknowledged and then lost with a confirmed room restore.</summary>
    public long InputsRolledBack => Interlocked.Read(ref _inputsRolledBack);

    /// <summary>Acked inputs whose wait spanned an outage, so they were not timed (see <see cref="BotRecovery.LatencyFence"/>).</summary>
    public long AcksNotTimed => _acks.NotTimed;

    /// <summary>Met at least one error (counts toward the error rate).</summary>
    public bool Errored => _errored;

    public bool IsSending => _sending;

    public long NextSendAt => _schedule.NextSendAt;

    public long Snapshots => Interlocked.Read(ref _snapshots);

    /// <summary>Of <see cref="Snapshots"/>, those that came as deltas (gameserver.v2).</summary>
    public long Deltas => Client.DeltasReceived;

    /// <summary>Deltas that did not follow the last snapshot, so a full one was asked for: the server's rule says never.</summary>
    public long KeyframeRequests => Client.KeyframeRequests;

    /// <summary>The game's events this player received (each once; the SDK drops those sent again after a resume).</summary>
    public long GameEvents => Client.GameEventsReceived;

    public long InputsSent => Interlocked.Read(ref _inputsSent);

    /// <summary>Inputs whose input→ack latency was measured.</summary>
    public long InputsAcked => _acks.Timed;

    /// <summary>Inputs not sent because the previous send was still in flight (the socket was backed up).</summary>
    public long SkippedSends => Interlocked.Read(ref _skippedSends);

    /// <summary>Acked inputs whose send time had already left the ring.</summary>
    public long Unmeasurable => _acks.Unmeasurable;

    /// <summary><see cref="InputsAcked"/> when the measurement window opened.</summary>
    public long InputsAckedAtWindowStart { get; set; }

    /// <summary><see cref="InRoom"/> when the measurement window opened: the players the window's per-player rates divide by.</summary>
    public bool InRoomAtWindowStart { get; set; }

    /// <summary>Connects and joins; a failure is recorded as an error and leaves the bot closed. Never throws.</summary>
    /// <param name="endpoints">The edges, this bot's first; the SDK moves to the next on each reconnect attempt.</param>
    /// <param name="entry">How this bot gets its seat (matchmaking, or a private room of its group).</param>
    public async Task<bool> JoinAsync(IReadOnlyList<Uri> endpoints, RoomEntry entry, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        var started = Clock.Now;
        try
        {
            using var connectTimeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeoutSource.CancelAfter(connectTimeout);
            await Client.ConnectAsync(endpoints, connectTimeoutSource.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var why = ex is OperationCanceledException
                ? cancellationToken.IsCancellationRequested ? "cancelled: the ramp deadline passed or the run was stopped" : $"no connection within {connectTimeout.TotalSeconds:0.#} s"
                : Describe(ex);
            MarkErrored();
            entry.GaveUp(Index, why);
            _measurements.Errors.ConnectFailed(Name, why);
            await CloseAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return false;
        }
        var connected = Clock.Now;
        _measurements.ConnectTimes.RecordTicks(connected - started);
        if (Client.Endpoint is { } edge)
        {
            _measurements.Edges.Connected(edge);
        }
        Welcome welcome;
        try
        {
            welcome = await entry.SeatAsync(Index, Client, cancellationToken).ConfigureAwait(false);
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
        Volatile.Write(ref _tickRateHz, welcome.TickRateHz);
        _recovery.Seat(Clock.Now);
        _joined = true;
        if (Client.State == ConnectionState.Closed && !_stopping)
        {
            // Closed between the welcome and here: OnClosed ignored it because the bot had not joined yet.
            _recovery.Unseat();
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
        _schedule.Start(now);
        _sending = _recovery.IsSeated;
    }

    /// <summary>Called by the send loop only.</summary>
    public void SendInput(long now)
    {
        var input = _schedule.Next(now);
        if (Client.State == ConnectionState.Reconnecting)
        {
            // The SDK would drop it too: the player's intent is stale by the time the seat is back. Not an error.
            Interlocked.Increment(ref _inputsDropped);
            return;
        }
        if (!_lastSend.IsCompleted)
        {
            Interlocked.Increment(ref _skippedSends);
            return;
        }
        var seq = Client.LastSentSeq + 1; // only this loop sends, so the client will assign exactly this number
        _acks.Sent(seq, now);
        Task<uint> send;
        try
        {
            send = Client.SendInputAsync(input.ToPayload());
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            _sending = false; // closed under us; OnClosed records why
            return;
        }
        if (send.IsCompletedSuccessfully)
        {
            // The usual case on a healthy socket: nothing allocated beyond the message. 0 means the connection dropped
            // between the check above and the send: the SDK dropped the input without numbering it (the SDK counts it).
            if (send.Result != 0)
            {
                Interlocked.Increment(ref _inputsSent);
            }
            return;
        }
        Interlocked.Increment(ref _inputsSent);
        // A failed send means the socket broke and OnClosed reports it; observe the exception so it is not rethrown later.
        if (send.IsCompleted)
        {
            _ = send.Exception;
            return;
        }
        _lastSend = send;
        _ = send.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Leaves as a player quitting does (a Leave, then the close), so the seat is given up at once rather than kept for a
    /// resume. Not an error. Never throws, bounded by <paramref name="timeout"/> per step.
    /// </summary>
    public async Task LeaveAsync(TimeSpan timeout)
    {
        _stopping = true;
        _sending = false;
        if (Client.State == ConnectionState.InRoom)
        {
            using var timeoutSource = new CancellationTokenSource(timeout);
            try
            {
                await Client.LeaveAsync(timeoutSource.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or WebSocketException or InvalidOperationException
                or ObjectDisposedException or GameServerException)
            {
                // Dropped under the leave: the close below ends it either way, and the server releases the seat after its grace.
            }
        }
        await CloseAsync(timeout).ConfigureAwait(false);
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
        _recovery.Unseat();
    }

    /// <summary>
    /// Times each newly acked input from its send. When a room is restored the SDK's ack falls back to the checkpoint's,
    /// but the timer keeps its own high-water mark: the next ack above the old one covers the inputs sent while the
    /// room was down. Those, and every input sent before an outage ended, are counted as not timed.
    /// </summary>
    private void OnInputAcknowledged(uint ack, long tick) =>
        // Acks read while reconnecting (before the resume's answer) span the drop whatever their send time.
        _acks.Acked(ack, Clock.Now, _recovery.LatencyFence, untimed: _recovery.IsReconnecting, _measurements.Latency);

    private void OnSnapshotFrame(long tick, int frameLength)
    {
        var now = Clock.Now;
        if (_lastSnapshotAt != 0)
        {
            _measurements.SnapshotInterval.RecordTicks(now - _lastSnapshotAt);
        }
        _lastSnapshotAt = now;
        _restores.Frame(tick, now);
        _recovery.Snapshot(now);
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
        // Before the welcome, a refusal fails JoinAsync and is counted there as a join failure. While reconnecting, an
        // error answers the resume: a transient one is retried, a final one is counted by OnResumeFailed.
        if (!_joined || _stopping || _recovery.IsReconnecting)
        {
            return;
        }
        MarkErrored();
        _measurements.Errors.ProtocolError(Name, error.Code, error.Message);
    }

    private void OnLeftRoom(Left left)
    {
        _recovery.Unseat();
        _sending = false;
        if (_stopping)
        {
            return;
        }
        if (left.Reason == "room-ended")
        {
            // The game ended its room (tag: a round was won): the server worked as meant, so it is counted, not an error.
            _measurements.RoomEnded();
            return;
        }
        ReportDisconnect("left:" + left.Reason, $"removed from room {left.RoomId}" + (left.Message is { } why ? ": " + why : ""));
    }

    /// <summary>Raised only when the SDK stops for good: it gave up reconnecting, or the close code forbids retrying.</summary>
    private void OnClosed(WebSocketCloseStatus? status, string? reason)
    {
        var wasSeated = _recovery.IsSeated;
        _recovery.Closed(Clock.Now);
        _sending = false;
        if (_stopping || !_joined || !wasSeated)
        {
            return;
        }
        ReportDisconnect(CloseCodeKey(status), string.IsNullOrEmpty(reason) ? "no reason given" : reason);
    }

    /// <summary>Raised before every attempt; the first one of an outage is the drop.</summary>
    private void OnReconnecting(ReconnectingEventArgs e)
    {
        if (e.Attempt == 1 && !_stopping)
        {
            // The SDK keeps the room's welcome while reconnecting exactly when it will try to resume the seat.
            var hasSeat = _joined && _recovery.IsSeated && Client.Room is not null;
            _recovery.Drop(hasSeat);
            if (hasSeat && Client.Endpoint is { } edge)
            {
                _measurements.Edges.Dropped(edge); // still the dropped edge: it changes once a reconnect lands
            }
        }
    }

    private void OnResumed(ResumedEventArgs e)
    {
        _recovery.Resumed(Clock.Now);
        Volatile.Write(ref _tickRateHz, e.Welcome.TickRateHz);
        _measurements.Recovery.Outage(e.Outage);
    }

    private void OnResumeFailed(Error error)
    {
        var room = Client.Room?.RoomId ?? RoomId;
        _recovery.ResumeFailed(Clock.Now);
        _sending = false;
        if (_stopping)
        {
            return;
        }
        // LeftRoom("resume-failed") follows; this report, with the server's reason, is the one kept.
        ReportDisconnect("left:resume-failed",
            $"could not resume its seat in room {room} after a reconnect: {ErrorLog.ErrorCodeName(error.Code)}: {error.Message}", error.Code);
    }

    private void OnReconnected(ReconnectedEventArgs e)
    {
        if (!_stopping)
        {
            _measurements.Edges.ReconnectedTo(e.Endpoint);
        }
        if (!_recovery.Reconnected(Clock.Now) || _stopping)
        {
            return;
        }
        // The server seated the player afresh instead of resuming: a new entity whose input sequence restarts at 1.
        _acks.Restart();
        ReportDisconnect("left:reseated", $"reconnected to {e.Endpoint} and got a new seat in room {Client.Room?.RoomId} instead of its old one");
    }

    private void OnRoomRestored(RoomRestoredEventArgs e) =>
        _restores.TickWentBack(e.LastTickBefore, e.FirstTickAfter, e.InputsLost ?? 0, Client.Room, RoomId ?? "unknown", Volatile.Read(ref _tickRateHz), Clock.Now);

    private void ConfirmRestore(RestoreDetector.Restore restore, long now)
    {
        _recovery.RoomRestored(now);
        // Counted only once the restore is confirmed: a late snapshot's older ack also reads as inputs lost.
        Interlocked.Add(ref _inputsRolledBack, restore.InputsLost);
        _measurements.Recovery.RoomRestored(restore.RoomId, restore.LastTickBefore, restore.FirstTickAfter, restore.TickRateHz);
    }

    /// <summary>A player is lost once: the close and the checks around the welcome can both notice it.</summary>
    private void ReportDisconnect(string closeCode, string why, int? errorCode = null)
    {
        if (Interlocked.Exchange(ref _disconnectReported, 1) == 0)
        {
            MarkErrored();
            _measurements.Errors.Disconnected(Name, closeCode, why, errorCode);
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
