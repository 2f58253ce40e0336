#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace GameServer.UnityClient
{
    /// <summary>
    /// A player's connection to a GameServer over <see cref="ClientWebSocket"/>, speaking <c>gameserver.v1</c>
    /// (docs/protocol.md) by hand with MessagePack-CSharp's low-level reader and writer. Call <see cref="Connect"/> and
    /// <see cref="Join"/>, send <see cref="SendInput(float, float)"/> at a steady rate, and call
    /// <see cref="DrainEvents"/> once a frame from the main thread: every event is raised there, never on a network
    /// thread, because Unity's APIs may only be used from the main thread.
    /// <para>
    /// When the connection drops it reconnects by itself (exponential backoff with full jitter; at once after a 4003
    /// Draining close) and sends Resume with the latest resume token: same room, same entity, the input sequence
    /// continues. If the seat is gone (Error 13 or 14) it joins the same room type afresh. It does not reconnect after a
    /// close the protocol says not to retry (1000, 1003, 1007, 1008, 1009, 4004). A connection on which nothing has
    /// arrived for <see cref="GameServerConnectionOptions.DeadPeerTimeoutMs"/> counts as dropped: it is aborted and
    /// reconnects the same way.
    /// </para>
    /// <para>Properties are live and may be read from any thread; event arguments are as of the event.</para>
    /// </summary>
    public sealed class GameServerConnection : IDisposable
    {
        /// <summary>The WebSocket sub-protocol this client speaks.</summary>
        public const string SubProtocol = "gameserver.v1";

        /// <summary>Frames waiting to be sent on one connection; beyond it new ones are dropped (the network is stuck).</summary>
        private const int MaxOutboxFrames = 256;

        /// <summary>How long a close handshake may take before the socket is aborted.</summary>
        private const int CloseTimeoutMs = 2000;

        private readonly Uri _serverUri;
        private readonly bool _sendTokenInQuery;
        private readonly int _reconnectInitialDelayMs;
        private readonly int _reconnectMaxDelayMs;
        private readonly int _maxReconnectAttempts;
        private readonly int _connectTimeoutMs;
        private readonly int _pingIntervalMs;
        private readonly int _deadPeerTimeoutMs;
        private readonly int _maxQueuedSnapshots;
        private readonly object _gate = new object();
        private readonly object _eventsGate = new object();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        // Seeded from a Guid: on Mono `new Random()` seeds from the clock, so clients started in the same millisecond
        // would draw the same jitter and reconnect together, which the jitter is there to prevent.
        private readonly Random _random = new Random(Guid.NewGuid().GetHashCode());
        private volatile string? _accessToken;

        // Events waiting for DrainEvents; swapped with _raising while they are raised.
        private List<PendingEvent> _events = new List<PendingEvent>();
        private List<PendingEvent> _raising = new List<PendingEvent>();
        private int _queuedSnapshots;
        private bool _isDraining;

        // Guarded by _gate.
        private ConnectionState _state = ConnectionState.Disconnected;
        private Link? _link;
        private WelcomeMessage? _room;
        private string? _wantedRoomType;
        private bool _joinPending;
        private bool _resumePending;
        private bool _leaving;
        private bool _closeRequested;
        private uint _lastSentSeq;
        private uint _lastAckedSeq;
        private long _lastSnapshotTick = -1;
        private long _tickBase;
        private double _tickBaseAtMs;
        private double _lastRoundTripMs = -1;
        private int? _closeCode;
        private string? _closeReason;
        private long _snapshotsReceived;
        private long _snapshotsDropped;
        private long _reconnects;
        private long _deadPeerDrops;
        private long _resumes;
        private long _resumeFailures;
        private long _tickRewinds;
        private long _inputsDropped;
        private long _malformedFrames;

        /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
        public GameServerConnection(GameServerConnectionOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }
            options.Validate();
            _serverUri = options.ServerUri!;
            _accessToken = options.AccessToken;
            _sendTokenInQuery = options.SendTokenInQuery;
            _reconnectInitialDelayMs = options.ReconnectInitialDelayMs;
            _reconnectMaxDelayMs = options.ReconnectMaxDelayMs;
            _maxReconnectAttempts = options.MaxReconnectAttempts;
            _connectTimeoutMs = options.ConnectTimeoutMs;
            _pingIntervalMs = options.PingIntervalMs;
            _deadPeerTimeoutMs = options.DeadPeerTimeoutMs;
            _maxQueuedSnapshots = options.MaxQueuedSnapshots;
        }

        /// <summary>The state changed.</summary>
        public event Action<ConnectionState>? StateChanged;

        /// <summary>A Join or Resume was answered; <see cref="WelcomeMessage.Resumed"/> tells which. Reset interpolation here.</summary>
        public event Action<WelcomeMessage>? Welcomed;

        /// <summary>A snapshot of the current room arrived (with its arena entities decoded when the room type is <c>arena</c>).</summary>
        public event Action<SnapshotMessage>? SnapshotReceived;

        /// <summary>
        /// A snapshot's tick was not greater than the last one: the room was restored from a checkpoint (docs/protocol.md
        /// §13). Arguments: (previous tick, new tick). Raised before that snapshot; reset interpolation.
        /// </summary>
        public event Action<long, long>? TickRewound;

        /// <summary>A Pong arrived: the round-trip time in ms.</summary>
        public event Action<double>? PongReceived;

        /// <summary>The server sent an Error.</summary>
        public event Action<ErrorMessage>? ErrorReceived;

        /// <summary>
        /// After a reconnect the seat could not be resumed (Error 13 ResumeExpired or 14 ResumeRejected, or a server that
        /// keeps no seats). <see cref="LeftRoom"/> follows with reason <c>"resume-failed"</c>, and the connection joins the
        /// same room type afresh: a new <see cref="Welcomed"/> with a new entity.
        /// </summary>
        public event Action<ErrorMessage>? ResumeFailed;

        /// <summary>The player is no longer in a room (<c>"left"</c>, <c>"room-closed"</c>, <c>"resume-failed"</c>).</summary>
        public event Action<LeftMessage>? LeftRoom;

        /// <summary>The room's tick rate, snapshot rate or capacity changed live; <see cref="Room"/> has the new values.</summary>
        public event Action<SettingsChangedMessage>? SettingsChanged;

        /// <summary>The connection dropped; about to wait <see cref="ReconnectingInfo.DelayMs"/>, then try again.</summary>
        public event Action<ReconnectingInfo>? Reconnecting;

        /// <summary>Closed for good: (close code or null if none, reason).</summary>
        public event Action<int?, string?>? Closed;

        /// <summary>The signed player token sent at the next handshake; replace it before it expires if reconnects must keep working.</summary>
        public string? AccessToken
        {
            get => _accessToken;
            set => _accessToken = value;
        }

        public ConnectionState State
        {
            get { lock (_gate) { return _state; } }
        }

        /// <summary>The current seat (updated by resumes and SettingsChanged), or null when not in a room. Kept while reconnecting.</summary>
        public WelcomeMessage? Room
        {
            get { lock (_gate) { return _room; } }
        }

        /// <summary>The sequence number of the last input sent (0 before the first; restarts at a fresh join, continues after a resume).</summary>
        public uint LastSentSeq
        {
            get { lock (_gate) { return _lastSentSeq; } }
        }

        /// <summary>The server's last processed input sequence for this player, from the newest snapshot.</summary>
        public uint LastAckedSeq
        {
            get { lock (_gate) { return _lastAckedSeq; } }
        }

        /// <summary>The newest snapshot's tick, or -1 before the first in this seat.</summary>
        public long LastTick
        {
            get { lock (_gate) { return _lastSnapshotTick; } }
        }

        /// <summary>The latest measured round trip in ms, or null before the first Pong.</summary>
        public double? LastRoundTripMs
        {
            get { lock (_gate) { return _lastRoundTripMs < 0 ? (double?)null : _lastRoundTripMs; } }
        }

        /// <summary>The close code of the connection that ended last (null if it dropped without one, or none has ended).</summary>
        public int? CloseCode
        {
            get { lock (_gate) { return _closeCode; } }
        }

        public string? CloseReason
        {
            get { lock (_gate) { return _closeReason; } }
        }

        public long SnapshotsReceived
        {
            get { lock (_gate) { return _snapshotsReceived; } }
        }

        /// <summary>Snapshot events dropped because the game did not drain them (see <see cref="GameServerConnectionOptions.MaxQueuedSnapshots"/>).</summary>
        public long SnapshotsDropped
        {
            get { lock (_gate) { return _snapshotsDropped; } }
        }

        /// <summary>Successful reconnects.</summary>
        public long Reconnects
        {
            get { lock (_gate) { return _reconnects; } }
        }

        /// <summary>
        /// Connections aborted because nothing arrived for <see cref="GameServerConnectionOptions.DeadPeerTimeoutMs"/> (a
        /// half-open connection); each was then handled as a drop.
        /// </summary>
        public long DeadPeerDrops
        {
            get { lock (_gate) { return _deadPeerDrops; } }
        }

        /// <summary>Reconnects that got the seat back.</summary>
        public long Resumes
        {
            get { lock (_gate) { return _resumes; } }
        }

        /// <summary>Reconnects whose seat was gone (<see cref="ResumeFailed"/>).</summary>
        public long ResumeFailures
        {
            get { lock (_gate) { return _resumeFailures; } }
        }

        /// <summary>Times a snapshot's tick went backwards (<see cref="TickRewound"/>).</summary>
        public long TickRewinds
        {
            get { lock (_gate) { return _tickRewinds; } }
        }

        /// <summary>Inputs not sent because the player was not in a room (e.g. while reconnecting).</summary>
        public long InputsDropped
        {
            get { lock (_gate) { return _inputsDropped; } }
        }

        /// <summary>Frames that did not decode; they are skipped.</summary>
        public long MalformedFrames
        {
            get { lock (_gate) { return _malformedFrames; } }
        }

        /// <summary>
        /// This connection's clock in ms (monotonic, any origin): what <see cref="SnapshotMessage.ReceivedAtMs"/> is
        /// measured in. Pass it to <see cref="SnapshotInterpolator.Sample"/>.
        /// </summary>
        public double ClockMs => _clock.Elapsed.TotalMilliseconds;

        /// <summary>
        /// Starts connecting in the background; progress arrives as <see cref="StateChanged"/>. Call once. A first
        /// connect that fails is not retried: <see cref="Closed"/> says why (wrong URL, server down, token refused), and
        /// a new connection can try again. Only an established connection that drops reconnects by itself.
        /// </summary>
        public void Connect()
        {
            lock (_gate)
            {
                if (_state != ConnectionState.Disconnected)
                {
                    throw new InvalidOperationException("Connect was already called (state " + _state + "); create a new GameServerConnection to connect again. It reconnects by itself after a drop.");
                }
                SetStateLocked(ConnectionState.Connecting);
            }
            Task.Run(() => RunAsync());
        }

        /// <summary>
        /// Matchmakes into a room of <paramref name="roomType"/> (join-or-create), now if connected, else as soon as the
        /// connection opens. The answer is <see cref="Welcomed"/> or <see cref="ErrorReceived"/>.
        /// </summary>
        public void Join(string roomType)
        {
            if (string.IsNullOrEmpty(roomType))
            {
                throw new ArgumentException("Give a room type, e.g. \"arena\".", nameof(roomType));
            }
            lock (_gate)
            {
                if (_state == ConnectionState.Closed)
                {
                    throw new InvalidOperationException("The connection is closed; create a new GameServerConnection.");
                }
                _wantedRoomType = roomType;
                // Deferred while connecting or resuming; in a room, the server answers Error 4 AlreadyInRoom.
                if (_link != null && !_resumePending && !_joinPending && (_state == ConnectionState.Connected || _state == ConnectionState.InRoom))
                {
                    SendJoinLocked();
                }
            }
        }

        /// <summary>
        /// Sends the arena's input: a direction with each axis clamped to [-1, 1] (NaN and infinity count as 0). Returns
        /// its sequence number, or 0 when it was dropped because the player is not in a room (e.g. reconnecting).
        /// </summary>
        public uint SendInput(float dx, float dy)
        {
            dx = ClampAxis(dx);
            dy = ClampAxis(dy);
            lock (_gate)
            {
                if (!CanSendInputLocked())
                {
                    _inputsDropped++;
                    return 0;
                }
                var seq = ++_lastSentSeq;
                _link!.Enqueue(ClientMessageWriter.ArenaInput(seq, EstimateServerTickLocked(), dx, dy));
                return seq;
            }
        }

        /// <summary>Sends a game-defined input: <paramref name="payload"/> is one MessagePack value. Returns the sequence number, or 0 if dropped.</summary>
        public uint SendInput(byte[] payload)
        {
            if (payload == null)
            {
                throw new ArgumentNullException(nameof(payload));
            }
            lock (_gate)
            {
                if (!CanSendInputLocked())
                {
                    _inputsDropped++;
                    return 0;
                }
                var seq = ++_lastSentSeq;
                _link!.Enqueue(ClientMessageWriter.Input(seq, EstimateServerTickLocked(), payload));
                return seq;
            }
        }

        /// <summary>Sends a Ping now (one also goes out every <see cref="GameServerConnectionOptions.PingIntervalMs"/>).</summary>
        public void Ping()
        {
            lock (_gate)
            {
                if (_link != null && (_state == ConnectionState.Connected || _state == ConnectionState.InRoom))
                {
                    _link.Enqueue(ClientMessageWriter.Ping(ClockMs));
                }
            }
        }

        /// <summary>Leaves the room (the answer is <see cref="LeftRoom"/>); the connection stays open and does not rejoin.</summary>
        public void Leave()
        {
            lock (_gate)
            {
                _wantedRoomType = null;
                if (_state == ConnectionState.InRoom && _link != null)
                {
                    _leaving = true;
                    _link.Enqueue(ClientMessageWriter.Leave());
                }
                else
                {
                    // Not connected (reconnecting): give the seat up instead of resuming it; the room frees it after its grace window.
                    _room = null;
                }
            }
        }

        /// <summary>Closes with 1000 (which frees the seat at once) and stops reconnecting. <see cref="Closed"/> follows.</summary>
        public void Close()
        {
            lock (_gate)
            {
                if (_closeRequested || _state == ConnectionState.Closed)
                {
                    return;
                }
                _closeRequested = true;
                if (_state == ConnectionState.Disconnected)
                {
                    FinishLocked(null, "closed before connecting");
                    return;
                }
                _link?.RequestClose();
            }
            _stopping.Cancel();
        }

        public void Dispose() => Close();

        /// <summary>
        /// Raises every event that arrived since the last call, in order, on the calling thread: call it from the main
        /// thread once a frame (e.g. in <c>Update</c>). If a handler throws, the remaining events are still raised and the
        /// first exception is rethrown at the end. Returns how many events were raised.
        /// </summary>
        public int DrainEvents()
        {
            List<PendingEvent> batch;
            lock (_eventsGate)
            {
                if (_isDraining || _events.Count == 0)
                {
                    return 0; // nothing new, or called from inside a handler
                }
                _isDraining = true;
                batch = _events;
                _events = _raising;
                _raising = batch;
                _queuedSnapshots = 0;
            }
            ExceptionDispatchInfo? failure = null;
            try
            {
                foreach (var pending in batch)
                {
                    try
                    {
                        pending.Raise();
                    }
                    catch (Exception ex)
                    {
                        failure = failure ?? ExceptionDispatchInfo.Capture(ex);
                    }
                }
                return batch.Count;
            }
            finally
            {
                batch.Clear();
                lock (_eventsGate)
                {
                    _isDraining = false;
                }
                failure?.Throw();
            }
        }

        // ---- connection lifetime (runs on the thread pool) ------------------------------------------------------

        private async Task RunAsync()
        {
            Link? link;
            try
            {
                link = await OpenAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    FinishLocked(null, _closeRequested ? "closed by the game while connecting" : "connect failed: " + Describe(ex));
                }
                return;
            }
            OnOpened(link);
            while (true)
            {
                var ended = await ReceiveLoopAsync(link).ConfigureAwait(false);
                link.Dispose();
                lock (_gate)
                {
                    _link = null;
                    if (link.DeclaredDead)
                    {
                        _deadPeerDrops++;
                    }
                    if (_closeRequested || _maxReconnectAttempts == 0 || !CloseCodes.ShouldReconnect(ended.Code))
                    {
                        FinishLocked(ended.Code, ended.Reason);
                        return;
                    }
                    _closeCode = ended.Code;
                    _closeReason = ended.Reason;
                    if (_leaving)
                    {
                        // Dropped before the Left arrived: don't take back a seat the player left (the room frees it after its grace window).
                        LeaveRoomLocked();
                    }
                    SetStateLocked(ConnectionState.Reconnecting);
                }
                link = await ReconnectAsync(ended.Code).ConfigureAwait(false);
                if (link == null)
                {
                    return;
                }
            }
        }

        /// <summary>Attempts until one connects, the game closes, or the attempts run out; null when it gave up (then Closed is raised).</summary>
        private async Task<Link?> ReconnectAsync(int? cause)
        {
            var afterDrain = cause == CloseCodes.Draining;
            string? lastError = null;
            for (var attempt = 0; attempt < _maxReconnectAttempts; attempt++)
            {
                var delayMs = NextDelayMs(attempt, afterDrain);
                Post(RaiseReconnecting(new ReconnectingInfo(attempt + 1, delayMs, cause, lastError)));
                Link link;
                try
                {
                    await Task.Delay(delayMs, _stopping.Token).ConfigureAwait(false);
                    link = await OpenAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    lock (_gate)
                    {
                        if (_closeRequested)
                        {
                            FinishLocked(cause, "closed by the game while reconnecting");
                            return null;
                        }
                        lastError = Describe(ex);
                        if (ex is RefusedException)
                        {
                            FinishLocked(cause, "reconnect refused, not retrying: " + lastError);
                            return null;
                        }
                    }
                    continue;
                }
                lock (_gate)
                {
                    _reconnects++;
                }
                OnOpened(link);
                return link;
            }
            lock (_gate)
            {
                FinishLocked(cause, "gave up after " + _maxReconnectAttempts + " reconnect attempts; the last failed with: " + lastError);
            }
            return null;
        }

        private async Task<Link> OpenAsync()
        {
            var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol(SubProtocol);
            var uri = _serverUri;
            var token = _accessToken;
            if (!string.IsNullOrEmpty(token))
            {
                if (_sendTokenInQuery)
                {
                    uri = WithQueryParameter(uri, "access_token", token!);
                }
                else
                {
                    socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
                }
            }
            try
            {
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
                {
                    timeout.CancelAfter(_connectTimeoutMs);
                    await socket.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                socket.Dispose();
                if (IsAuthRefusal(ex))
                {
                    throw new RefusedException("the server refused the token or origin (401/403): " + Describe(ex), ex);
                }
                throw;
            }
            if (socket.SubProtocol != SubProtocol)
            {
                socket.Abort();
                socket.Dispose();
                throw new RefusedException("the server agreed to sub-protocol '" + socket.SubProtocol + "', not '" + SubProtocol + "'", null);
            }
            return new Link(socket, _pingIntervalMs, _deadPeerTimeoutMs, () => ClockMs);
        }

        /// <summary>A connection opened: resume the seat if there is one, else join if the game asked to.</summary>
        private void OnOpened(Link link)
        {
            lock (_gate)
            {
                _link = link;
                link.Start();
                if (_closeRequested)
                {
                    link.RequestClose();
                    return;
                }
                SetStateLocked(ConnectionState.Connected);
                if (_room != null && _room.ReconnectGraceSeconds > 0)
                {
                    // Resume goes first on the new connection, instead of Join (docs/protocol.md §5.4a).
                    _resumePending = true;
                    link.Enqueue(ClientMessageWriter.Resume(_room.RoomId, _room.ResumeToken));
                }
                else if (_room != null)
                {
                    SeatLostLocked(new ErrorMessage(ErrorCodes.ResumeExpired, "The server keeps no seat after a disconnect (reconnectGraceSeconds is 0); joining afresh."));
                }
                else if (_wantedRoomType != null)
                {
                    SendJoinLocked();
                }
            }
        }

        /// <summary>Reads messages until the connection ends; returns its close code (null: dropped without one) and reason.</summary>
        private async Task<(int? Code, string? Reason)> ReceiveLoopAsync(Link link)
        {
            var socket = link.Socket;
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var length = 0;
                    WebSocketReceiveResult result;
                    do
                    {
                        if (length == buffer.Length)
                        {
                            Array.Resize(ref buffer, buffer.Length * 2);
                        }
                        result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), link.Token).ConfigureAwait(false);
                        link.MarkReceived();
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            // A close frame without a status is 1005 (RFC 6455), which is not one to reconnect after.
                            return ((int?)result.CloseStatus ?? 1005, result.CloseStatusDescription);
                        }
                        length += result.Count;
                    }
                    while (!result.EndOfMessage);
                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        // A copy per message: events hold on to it until the game drains them.
                        var frame = new byte[length];
                        Buffer.BlockCopy(buffer, 0, frame, 0, length);
                        Handle(frame);
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException || ex is OperationCanceledException || ex is ObjectDisposedException || ex is System.IO.IOException)
            {
                if (link.DeclaredDead)
                {
                    return (null, "nothing arrived for " + _deadPeerTimeoutMs + " ms (DeadPeerTimeoutMs): the connection was aborted as dead");
                }
                return ((int?)socket.CloseStatus, socket.CloseStatusDescription ?? ex.Message);
            }
        }

        // ---- incoming messages (receive thread) -------------------------------------------------------------------

        private void Handle(byte[] frame)
        {
            ServerMessage? message;
            try
            {
                bool decodeArena;
                lock (_gate)
                {
                    decodeArena = _room != null && _room.RoomType == ArenaState.RoomType;
                }
                message = ServerMessageReader.Read(frame, decodeArena);
            }
            catch (Exception)
            {
                lock (_gate)
                {
                    _malformedFrames++;
                }
                return;
            }
            switch (message)
            {
                case SnapshotMessage snapshot:
                    OnSnapshot(snapshot);
                    break;
                case WelcomeMessage welcome:
                    OnWelcome(welcome);
                    break;
                case PongMessage pong:
                    var roundTripMs = ClockMs - pong.ClientTimeMs;
                    lock (_gate)
                    {
                        _lastRoundTripMs = roundTripMs;
                    }
                    Post(() => PongReceived?.Invoke(roundTripMs));
                    break;
                case ErrorMessage error:
                    OnError(error);
                    break;
                case LeftMessage left:
                    lock (_gate)
                    {
                        LeaveRoomLocked();
                        _wantedRoomType = null;
                        if (_state == ConnectionState.InRoom)
                        {
                            SetStateLocked(ConnectionState.Connected);
                        }
                        Post(() => LeftRoom?.Invoke(left));
                    }
                    break;
                case SettingsChangedMessage changed:
                    lock (_gate)
                    {
                        if (_room != null)
                        {
                            _room = _room.WithSettings(changed);
                        }
                        Post(() => SettingsChanged?.Invoke(changed));
                    }
                    break;
                default:
                    break; // a type this client does not know: skip it (docs/protocol.md §11)
            }
        }

        private void OnWelcome(WelcomeMessage welcome)
        {
            lock (_gate)
            {
                _joinPending = false;
                _resumePending = false;
                _leaving = false;
                if (welcome.Resumed)
                {
                    _resumes++;
                }
                else
                {
                    // A new seat: the server counts this player's inputs from 0 again and the ticks are another room's.
                    _lastSentSeq = 0;
                    _lastAckedSeq = 0;
                    _lastSnapshotTick = -1;
                }
                _room = welcome;
                _wantedRoomType = welcome.RoomType;
                _tickBase = welcome.CurrentTick;
                _tickBaseAtMs = ClockMs;
                SetStateLocked(ConnectionState.InRoom);
                Post(() => Welcomed?.Invoke(welcome));
            }
        }

        private void OnSnapshot(SnapshotMessage snapshot)
        {
            snapshot.ReceivedAtMs = ClockMs;
            lock (_gate)
            {
                if (_room == null)
                {
                    return; // one can race with Left
                }
                _snapshotsReceived++;
                if (_lastSnapshotTick >= 0 && snapshot.Tick <= _lastSnapshotTick)
                {
                    // Restored from a checkpoint: up to a checkpoint interval of game time is replayed.
                    _tickRewinds++;
                    var previous = _lastSnapshotTick;
                    Post(() => TickRewound?.Invoke(previous, snapshot.Tick));
                }
                _lastSnapshotTick = snapshot.Tick;
                _tickBase = snapshot.Tick;
                _tickBaseAtMs = snapshot.ReceivedAtMs;
                var ack = snapshot.AckFor(_room.EntityId);
                if (ack > _lastAckedSeq)
                {
                    _lastAckedSeq = ack;
                    // The server ignores inputs numbered at or below what it processed, so never count below it.
                    if (_lastSentSeq < ack)
                    {
                        _lastSentSeq = ack;
                    }
                }
                PostSnapshot(snapshot);
            }
        }

        private void OnError(ErrorMessage error)
        {
            lock (_gate)
            {
                Post(() => ErrorReceived?.Invoke(error));
                if (_resumePending)
                {
                    if (error.Code == ErrorCodes.ResumeExpired || error.Code == ErrorCodes.ResumeRejected)
                    {
                        _resumePending = false;
                        SeatLostLocked(error);
                    }
                    else if (error.Code == ErrorCodes.InternalError || error.Code == ErrorCodes.RateLimited)
                    {
                        // Transient: the seat is still held for the grace window; ask again after a backoff.
                        var link = _link;
                        if (link != null)
                        {
                            _ = RetryResumeAsync(link);
                        }
                    }
                }
                else if (_joinPending && IsJoinFailure(error.Code))
                {
                    // Don't retry a refused join at every reconnect; the game decides (ErrorReceived).
                    _joinPending = false;
                    _wantedRoomType = null;
                }
            }
        }

        private async Task RetryResumeAsync(Link link)
        {
            await Task.Delay(NextDelayMs(1, false)).ConfigureAwait(false);
            lock (_gate)
            {
                if (_link == link && _resumePending && _room != null)
                {
                    link.Enqueue(ClientMessageWriter.Resume(_room.RoomId, _room.ResumeToken));
                }
            }
        }

        /// <summary>The seat could not be resumed: report it and join the same room type afresh.</summary>
        private void SeatLostLocked(ErrorMessage error)
        {
            var lost = _room!;
            _resumeFailures++;
            LeaveRoomLocked();
            _wantedRoomType = lost.RoomType;
            Post(() => ResumeFailed?.Invoke(error));
            var left = new LeftMessage(lost.RoomId, "resume-failed");
            Post(() => LeftRoom?.Invoke(left));
            SendJoinLocked();
        }

        private void LeaveRoomLocked()
        {
            _room = null;
            _leaving = false;
            _joinPending = false;
            _resumePending = false;
            _lastSnapshotTick = -1;
        }

        private void SendJoinLocked()
        {
            _joinPending = true;
            _link!.Enqueue(ClientMessageWriter.Join(_wantedRoomType!));
        }

        private bool CanSendInputLocked() => _state == ConnectionState.InRoom && _link != null && !_resumePending;

        /// <summary>
        /// The server's tick now, estimated from the last snapshot (or the welcome) and the tick rate (docs/protocol.md
        /// §8); Input's clientTick.
        /// </summary>
        private long EstimateServerTickLocked()
        {
            var tickRateHz = _room != null ? _room.TickRateHz : 20;
            return _tickBase + (long)Math.Floor((ClockMs - _tickBaseAtMs) * tickRateHz / 1000);
        }

        private void SetStateLocked(ConnectionState state)
        {
            if (_state == state)
            {
                return;
            }
            _state = state;
            Post(() => StateChanged?.Invoke(state));
        }

        private void FinishLocked(int? code, string? reason)
        {
            if (_state == ConnectionState.Closed)
            {
                return;
            }
            _closeCode = code;
            _closeReason = reason;
            _link = null;
            _resumePending = false;
            SetStateLocked(ConnectionState.Closed);
            Post(() => Closed?.Invoke(code, reason));
        }

        private int NextDelayMs(int attempt, bool afterDrain)
        {
            lock (_random)
            {
                return ReconnectBackoff.DelayMs(attempt, afterDrain, _reconnectInitialDelayMs, _reconnectMaxDelayMs, _random);
            }
        }

        // ---- the event queue ------------------------------------------------------------------------------------

        private Action RaiseReconnecting(ReconnectingInfo info) => () => Reconnecting?.Invoke(info);

        private void Post(Action raise)
        {
            lock (_eventsGate)
            {
                _events.Add(new PendingEvent(raise, false));
            }
        }

        private void PostSnapshot(SnapshotMessage snapshot)
        {
            lock (_eventsGate)
            {
                if (_queuedSnapshots >= _maxQueuedSnapshots)
                {
                    // The game is not draining (paused?): drop the oldest snapshot; only the newest state matters.
                    var oldest = _events.FindIndex(e => e.IsSnapshot);
                    if (oldest >= 0)
                    {
                        _events.RemoveAt(oldest);
                        _queuedSnapshots--;
                        _snapshotsDropped++; // under _gate: only OnSnapshot posts snapshots
                    }
                }
                _queuedSnapshots++;
                _events.Add(new PendingEvent(() => SnapshotReceived?.Invoke(snapshot), true));
            }
        }

        // ---- helpers ----------------------------------------------------------------------------------------------

        private static float ClampAxis(float value)
        {
            if (float.IsNaN(value) || float.IsInfinity(value))
            {
                return 0f;
            }
            return value < -1f ? -1f : value > 1f ? 1f : value;
        }

        private static bool IsJoinFailure(int code) =>
            code == ErrorCodes.RoomFull || code == ErrorCodes.UnknownRoomType || code == ErrorCodes.InvalidJoin || code == ErrorCodes.JoinByIdNotAllowed;

        private static Uri WithQueryParameter(Uri uri, string name, string value)
        {
            var builder = new UriBuilder(uri);
            var pair = name + "=" + Uri.EscapeDataString(value);
            var query = builder.Query.TrimStart('?');
            builder.Query = query.Length == 0 ? pair : query + "&" + pair;
            return builder.Uri;
        }

        /// <summary>
        /// .NET reports a refused handshake as "The server returned status code '401' when status code '101' was
        /// expected"; retrying with the same token cannot succeed. (Mono's wording may differ: then the attempts simply
        /// run out.)
        /// </summary>
        private static bool IsAuthRefusal(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
            {
                if (e.Message.Contains("'401'") || e.Message.Contains("'403'"))
                {
                    return true;
                }
            }
            return false;
        }

        private static string Describe(Exception ex) =>
            ex.InnerException != null && ex.InnerException.Message != ex.Message ? ex.Message + " (" + ex.InnerException.Message + ")" : ex.Message;

        private readonly struct PendingEvent
        {
            public PendingEvent(Action raise, bool isSnapshot)
            {
                Raise = raise;
                IsSnapshot = isSnapshot;
            }

            public Action Raise { get; }

            public bool IsSnapshot { get; }
        }

        /// <summary>A handshake refusal that retrying cannot fix (401, 403, wrong sub-protocol).</summary>
        private sealed class RefusedException : Exception
        {
            public RefusedException(string message, Exception? inner)
                : base(message, inner)
            {
            }
        }

        /// <summary>
        /// One WebSocket connection: its socket, a queue drained by a single send loop, because a
        /// <see cref="ClientWebSocket"/> allows one send at a time and the game must never wait on the network, and a
        /// heartbeat loop that sends Pings and aborts the socket when the server has gone silent.
        /// </summary>
        private sealed class Link : IDisposable
        {
            private readonly Queue<byte[]?> _outbox = new Queue<byte[]?>();
            private readonly SemaphoreSlim _pending = new SemaphoreSlim(0);
            private readonly CancellationTokenSource _lifetime = new CancellationTokenSource();
            private readonly int _pingIntervalMs;
            private readonly int _deadPeerTimeoutMs;
            private readonly Func<double> _clockMs;
            private bool _closing;
            private volatile bool _declaredDead;
            // Whole ms on the connection's clock; a long read with Interlocked because a double may tear on 32-bit ARM.
            private long _lastReceivedAtMs;

            public Link(ClientWebSocket socket, int pingIntervalMs, int deadPeerTimeoutMs, Func<double> clockMs)
            {
                Socket = socket;
                _pingIntervalMs = pingIntervalMs;
                _deadPeerTimeoutMs = deadPeerTimeoutMs;
                _clockMs = clockMs;
            }

            public ClientWebSocket Socket { get; }

            /// <summary>Cancelled when the link is disposed, declared dead, or a while after a close was sent without an answer.</summary>
            public CancellationToken Token => _lifetime.Token;

            /// <summary>The heartbeat aborted the socket because nothing arrived for the dead-peer timeout.</summary>
            public bool DeclaredDead => _declaredDead;

            public void Start()
            {
                MarkReceived(); // the silence is counted from the open
                Task.Run(() => SendLoopAsync());
                if (_pingIntervalMs > 0 || _deadPeerTimeoutMs > 0)
                {
                    Task.Run(() => HeartbeatLoopAsync());
                }
            }

            /// <summary>Something arrived (any frame, or part of one): the server is alive.</summary>
            public void MarkReceived() => Interlocked.Exchange(ref _lastReceivedAtMs, (long)_clockMs());

            public void Enqueue(byte[] frame)
            {
                lock (_outbox)
                {
                    if (_closing || _outbox.Count >= MaxOutboxFrames)
                    {
                        return;
                    }
                    _outbox.Enqueue(frame);
                }
                _pending.Release();
            }

            /// <summary>Sends a 1000 close after what is queued; the receive loop then ends with the server's answer.</summary>
            public void RequestClose()
            {
                lock (_outbox)
                {
                    if (_closing)
                    {
                        return;
                    }
                    _closing = true;
                    _outbox.Enqueue(null);
                }
                _pending.Release();
            }

            public void Dispose()
            {
                _lifetime.Cancel();
                Socket.Dispose();
            }

            private async Task SendLoopAsync()
            {
                try
                {
                    while (true)
                    {
                        await _pending.WaitAsync(_lifetime.Token).ConfigureAwait(false);
                        byte[]? frame;
                        lock (_outbox)
                        {
                            frame = _outbox.Dequeue();
                        }
                        if (frame == null)
                        {
                            _lifetime.CancelAfter(CloseTimeoutMs);
                            await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed by the client", _lifetime.Token).ConfigureAwait(false);
                            return;
                        }
                        await Socket.SendAsync(new ArraySegment<byte>(frame), WebSocketMessageType.Binary, true, _lifetime.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is WebSocketException || ex is OperationCanceledException || ex is ObjectDisposedException || ex is InvalidOperationException || ex is System.IO.IOException)
                {
                    // The connection went away under a send; the receive loop sees the same and reconnects.
                }
            }

            /// <summary>
            /// Sends a Ping every ping interval and, with a dead-peer timeout, aborts the socket once nothing has arrived for
            /// that long. A half-open connection never fails a receive by itself: TCP only notices a dead path when
            /// retransmissions run out, many minutes later, and our own sends keep succeeding into the void.
            /// </summary>
            private async Task HeartbeatLoopAsync()
            {
                try
                {
                    var nextPingAtMs = _clockMs() + _pingIntervalMs;
                    while (true)
                    {
                        // Wake at whichever comes first, the next Ping or the moment the silence would reach the timeout.
                        var wakeAtMs = _pingIntervalMs > 0 ? nextPingAtMs : double.MaxValue;
                        if (_deadPeerTimeoutMs > 0)
                        {
                            wakeAtMs = Math.Min(wakeAtMs, Interlocked.Read(ref _lastReceivedAtMs) + _deadPeerTimeoutMs);
                        }
                        var waitMs = Math.Ceiling(wakeAtMs - _clockMs());
                        if (waitMs > 0)
                        {
                            await Task.Delay((int)Math.Min(waitMs, int.MaxValue), _lifetime.Token).ConfigureAwait(false);
                        }
                        var nowMs = _clockMs();
                        if (_deadPeerTimeoutMs > 0 && nowMs - Interlocked.Read(ref _lastReceivedAtMs) >= _deadPeerTimeoutMs)
                        {
                            AbortAsDead();
                            return;
                        }
                        if (_pingIntervalMs > 0 && nowMs >= nextPingAtMs)
                        {
                            Enqueue(ClientMessageWriter.Ping(nowMs));
                            nextPingAtMs = nowMs + _pingIntervalMs;
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }

            /// <summary>
            /// Aborts without a close handshake (it could never complete); the receive loop then fails and the connection
            /// reconnects as after any drop. Not while closing: the close timeout already bounds that.
            /// </summary>
            private void AbortAsDead()
            {
                lock (_outbox)
                {
                    if (_closing)
                    {
                        return;
                    }
                    _declaredDead = true;
                }
                Socket.Abort();
                // Abort wakes a pending receive on .NET; cancelling its token as well makes sure on runtimes where it may not.
                _lifetime.Cancel();
            }
        }
    }
}
