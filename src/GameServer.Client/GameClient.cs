using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.ExceptionServices;
using GameServer.Protocol;

namespace GameServer.Client;

/// <summary>
/// A player's connection to a GameServer: connect, join a room, send sequenced inputs, receive snapshots, measure
/// round-trip time. When the connection drops it reconnects by itself (see <see cref="GameClientOptions.Reconnect"/>)
/// and, if it was in a room, resumes its seat: same room, same entity, the input sequence continues.
/// Events are raised one at a time, in order, on the client's receive loop; keep handlers short.
/// </summary>
public sealed class GameClient : IAsyncDisposable
{
    private readonly GameClientOptions _options;
    private readonly ReconnectOptions _reconnect;
    private readonly ClientTransport _transport;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<double, TaskCompletionSource<double>> _pings = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stopping = new();
    private static readonly string[] s_offerV2 = { ProtocolVersion.SubProtocolV2, ProtocolVersion.SubProtocol };
    private static readonly string[] s_offerV1 = { ProtocolVersion.SubProtocol };
    // Seeded from a Guid: on Mono/Unity `new Random()` seeds from the clock, so bots made in the same millisecond
    // would draw the same jitter and reconnect together, which is what the jitter is for avoiding.
    private readonly Random _random = new(Guid.NewGuid().GetHashCode());
    private IReadOnlyList<Uri> _endpoints = Array.Empty<Uri>();
    private int _endpointIndex;
    private int _connectCalled;
    private int _closeRequested;
    private volatile ClientConnection? _socket;
    private Uri? _endpoint;
    private volatile ConnectionState _state = ConnectionState.Disconnected;
    private Task? _run;
    private TaskCompletionSource<Welcome>? _pendingJoin;
    private TaskCompletionSource<Left>? _pendingLeave;
    private volatile Welcome? _welcome;
    private int _nextSeq;
    private long _bytesReceived;
    private long _wireBytesReceived;
    private long _snapshotsReceived;
    private long _lastTick = -1;
    private long _roomTick = -1;
    private long _lastAckedSeq;
    private long _reconnects;
    private long _resumes;
    private long _resumeFailures;
    private long _roomRestores;
    private readonly AckHistory _ackHistory = new();
    private long _inputsDropped;
    private long _lastOutageTicks = -1;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeStatusDescription;
    private readonly EventQueue? _queue;
    private long _receivedAtTicks;
    private long _deadPeerDrops;
    private long _malformedFrames;
    // Delta snapshots (gameserver.v2): the snapshot the next delta must apply to. Decoding, the whole last snapshot;
    // not decoding, its tick and this player's ack in it. Touched only by the receive loop, reset for each connection.
    private Snapshot? _deltaBase;
    private long _deltaBaseTick = -1;
    private uint? _deltaBaseAck;
    private bool _keyframeRequested;
    private long _deltasReceived;
    private long _keyframeRequests;
    // Game events: the highest Seq raised in the current room (a new room starts again; a resume keeps it, so the
    // events the server sends again after a reconnect are not raised twice). Touched only by the receive loop.
    private long _lastEventSeq;
    // The numbers raised below the highest, for the rare event that comes after a newer one (its snapshot was overtaken
    // on the way to the edge): raised once, late, rather than lost. Bounded to the last EventWindow numbers.
    private readonly HashSet<long> _eventsSeen = new();
    private const long EventWindow = 1024;
    private long _gameEventsReceived;
    private long _gameEventsDuplicated;
    private long _gameEventsEarly;
    // The join options the current seat was taken with, sent again when a lost seat is rejoined. A copy, swapped whole:
    // written by the joining thread, read by the reconnect loop.
    private volatile byte[] _joinOptions = Array.Empty<byte>();

    /// <exception cref="ArgumentException">A <see cref="GameClientOptions.Reconnect"/> setting is out of range, or <see cref="GameClientOptions.Transport"/> is null.</exception>
    public GameClient(GameClientOptions? options = null)
    {
        _options = options ?? new GameClientOptions();
        _reconnect = _options.Reconnect ?? throw new ArgumentException("GameClientOptions.Reconnect is null; leave the default or set a ReconnectOptions.", nameof(options));
        _reconnect.Validate();
        _transport = _options.Transport ?? throw new ArgumentException("GameClientOptions.Transport is null; leave the default (ClientTransport.WebSocket) or set a transport.", nameof(options));
        if (_options.KeepAliveInterval < TimeSpan.Zero && _options.KeepAliveInterval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.KeepAliveInterval, "GameClientOptions.KeepAliveInterval must be zero or positive.");
        }
        if (_options.KeepAliveTimeout < TimeSpan.Zero && _options.KeepAliveTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.KeepAliveTimeout, "GameClientOptions.KeepAliveTimeout must be zero or positive.");
        }
        if (_options.QueueEvents)
        {
            if (_options.MaxQueuedSnapshots < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), _options.MaxQueuedSnapshots, "GameClientOptions.MaxQueuedSnapshots must be 1 or more (default 60).");
            }
            _queue = new EventQueue(_options.MaxQueuedSnapshots);
        }
    }

    /// <summary>A decoded snapshot (only when <see cref="GameClientOptions.DecodeSnapshots"/> is on).</summary>
    public event Action<Snapshot>? SnapshotReceived;

    /// <summary>This player's last processed input sequence advanced: (new ack, snapshot tick).</summary>
    public event Action<uint, long>? InputAcknowledged;

    /// <summary>A snapshot frame arrived: (tick, frame bytes). Raised for every snapshot, decoded or not.</summary>
    public event Action<long, int>? SnapshotFrameReceived;

    /// <summary>The server sent an <see cref="Error"/>.</summary>
    public event Action<Error>? ErrorReceived;

    /// <summary>
    /// The player is no longer in a room: the server said so (<c>"left"</c>, <c>"room-closed"</c>, or
    /// <c>"room-ended"</c> when the game ended the room, with the game's words in <see cref="Left.Message"/>), the seat
    /// could not be resumed after a reconnect (<c>"resume-failed"</c>, after <see cref="ResumeFailed"/>), or the game
    /// removed the player (<c>"kicked"</c>, with the game's reason in <see cref="Left.Message"/>; <see cref="Closed"/>
    /// follows with <see cref="CloseCode.Kicked"/>, and the client does not reconnect).
    /// </summary>
    public event Action<Left>? LeftRoom;

    /// <summary>
    /// One of the game's events (a tag, a goal, "round over") for this player, in the order the game emitted them,
    /// after the snapshot of the tick it came with. Each is raised once per room: one the server sends again (ticks
    /// replayed after a restore) is dropped by its <see cref="GameEvent.Seq"/>. Rarely, when the cluster delivered a
    /// snapshot to the edge after a newer one, that snapshot's events come after the newer one's, raised late rather
    /// than lost (their <see cref="GameEvent.Seq"/> tells their place). The payload is the game's MessagePack value.
    /// </summary>
    public event Action<GameEvent>? GameEventReceived;

    /// <summary>The room's tick rate, snapshot rate or capacity changed (a designer tuned it live); <see cref="Room"/> has the new values.</summary>
    public event Action<SettingsChanged>? SettingsChanged;

    /// <summary>
    /// The client closed for good: the close status and reason of the connection that ended it (null status if it
    /// dropped without a close frame). Not raised for a drop the client reconnects from; raised once reconnecting gives
    /// up (<see cref="ReconnectOptions.MaxAttempts"/> failed attempts, or a 401/403 handshake refusal).
    /// </summary>
    public event Action<WebSocketCloseStatus?, string?>? Closed;

    /// <summary>The connection dropped and the client is about to wait, then try again; raised before every attempt.</summary>
    public event Action<ReconnectingEventArgs>? Reconnecting;

    /// <summary>A reconnect succeeded (and the resume, if the client was in a room, was answered).</summary>
    public event Action<ReconnectedEventArgs>? Reconnected;

    /// <summary>After a reconnect the server gave the seat back: same room and entity, inputs continue from the same sequence.</summary>
    public event Action<ResumedEventArgs>? Resumed;

    /// <summary>
    /// After a reconnect the seat could not be resumed: <see cref="ErrorCode.ResumeExpired"/> (the grace window passed,
    /// or the server keeps no seats: its welcome's <see cref="Welcome.ReconnectGraceSeconds"/> was 0) or
    /// <see cref="ErrorCode.ResumeRejected"/>. The client stays connected, out of the room (<see cref="LeftRoom"/>
    /// follows with reason <c>"resume-failed"</c>); join afresh to play on.
    /// </summary>
    public event Action<Error>? ResumeFailed;

    /// <summary>A snapshot's tick went backwards: the room was restored from a checkpoint. Raised before that snapshot's events.</summary>
    public event Action<RoomRestoredEventArgs>? RoomRestored;

    /// <summary>The connection's state changed; raised after <see cref="State"/> took the new value.</summary>
    public event Action<ConnectionState>? StateChanged;

    /// <summary>
    /// The server seated this player: the answer to a join (also the automatic one after a failed resume, see
    /// <see cref="ReconnectOptions.RejoinAfterResumeFailure"/>) or to a resume (<see cref="Welcome.Resumed"/> true).
    /// </summary>
    public event Action<Welcome>? Welcomed;

    public ConnectionState State
    {
        get => _state;
        private set
        {
            if (_state != value)
            {
                _state = value;
                Raise(StateChanged, value);
            }
        }
    }

    /// <summary>
    /// Raises every event that arrived since the last call, in order, on the calling thread, when
    /// <see cref="GameClientOptions.QueueEvents"/> is on: call it once a frame from the game loop (Unity's <c>Update</c>).
    /// A handler that throws does not stop the others; the first exception is rethrown after the last event. Returns how
    /// many queued entries were raised (a snapshot's frame, ack and snapshot events are one) (0 when events are not queued, or when called from inside a handler).
    /// </summary>
    public int DrainEvents() => _queue?.Drain() ?? 0;

    /// <summary>The client's monotonic clock since it was created; the time base of <see cref="EventReceivedAt"/>.</summary>
    public TimeSpan Clock => _clock.Elapsed;

    /// <summary>
    /// When the frame behind the event being raised arrived, on <see cref="Clock"/>; read it in a handler (e.g. to feed
    /// an interpolator the snapshot's arrival time, not the time the game loop drained it). Outside a handler: the
    /// arrival of the latest frame.
    /// </summary>
    public TimeSpan EventReceivedAt => _queue is { IsDraining: true } queue ? queue.RaisingReceivedAt : ReceivedAtNow;

    /// <summary>Snapshot events dropped unraised because the game did not drain them (<see cref="GameClientOptions.MaxQueuedSnapshots"/>).</summary>
    public long SnapshotsDropped => _queue?.SnapshotsDropped ?? 0;

    /// <summary>Connections aborted because nothing arrived within the keep-alive deadline (half-open connections).</summary>
    public long DeadPeerDrops => Interlocked.Read(ref _deadPeerDrops);

    /// <summary>Frames that did not decode and were skipped (a healthy server sends none).</summary>
    public long MalformedFrames => Interlocked.Read(ref _malformedFrames);

    /// <summary>Snapshots that came as deltas (gameserver.v2) and were applied.</summary>
    public long DeltasReceived => Interlocked.Read(ref _deltasReceived);

    /// <summary>Times a delta did not follow the last snapshot applied, so a full one was asked for (should stay 0).</summary>
    public long KeyframeRequests => Interlocked.Read(ref _keyframeRequests);

    /// <summary>The sub-protocol the current connection speaks (<c>gameserver.v2</c>: delta snapshots), or null when not connected.</summary>
    public string? SubProtocol => _socket?.SubProtocol;

    /// <summary>The current room's welcome (the resumed one after a resume), or null when not in a room. Kept while reconnecting.</summary>
    public Welcome? Room => _welcome;

    /// <summary>The current room's code when it is private (give it to friends for <see cref="JoinByCodeAsync(string, CancellationToken)"/>), else null.</summary>
    public string? RoomCode => _welcome?.RoomCode;

    /// <summary>The role or team the game gave this player in the current room (e.g. <c>"red"</c>), or null (none, or not in a room).</summary>
    public string? Role => _welcome?.Role;

    /// <summary>The view group whose state this player is sent in the current room (hidden information); 0 when everyone sees everything or not in a room.</summary>
    public int View => _welcome?.View ?? 0;

    /// <summary>Game events raised (<see cref="GameEventReceived"/>), over all rooms.</summary>
    public long GameEventsReceived => Interlocked.Read(ref _gameEventsReceived);

    /// <summary>Game events dropped because an event with their <see cref="GameEvent.Seq"/> was raised already in the room (sent again after a restore).</summary>
    public long GameEventsDuplicated => Interlocked.Read(ref _gameEventsDuplicated);

    /// <summary>
    /// <c>Events</c> frames that arrived before the snapshot of their tick (their tick above the last snapshot's): the
    /// server promises this never happens, so anything but 0 is a server bug worth reporting.
    /// </summary>
    public long GameEventsBeforeTheirSnapshot => Interlocked.Read(ref _gameEventsEarly);

    /// <summary>The sequence number of the last input sent (0 before the first). Inputs dropped while reconnecting take no number.</summary>
    public uint LastSentSeq => (uint)Volatile.Read(ref _nextSeq);

    /// <summary>
    /// The server's last processed input sequence for this player, from the newest snapshot. Goes down only when the room
    /// is restored from a checkpoint, to the checkpoint's (see <see cref="RoomRestored"/>).
    /// </summary>
    public uint LastAckedSeq => (uint)Interlocked.Read(ref _lastAckedSeq);

    /// <summary>
    /// The edge this client is connected to (of the endpoints given to ConnectAsync): after a reconnect, the one that
    /// answered. Null before the first connect; the dropped edge while reconnecting.
    /// </summary>
    public Uri? Endpoint => Volatile.Read(ref _endpoint);

    /// <summary>The newest snapshot's tick, or -1.</summary>
    public long LastTick => Interlocked.Read(ref _lastTick);

    public long SnapshotsReceived => Interlocked.Read(ref _snapshotsReceived);

    /// <summary>Message payload bytes received.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>
    /// Bytes received including the transport's framing: WebSocket frame headers (2–10 bytes each; server frames are
    /// unmasked), or the transport's estimate of its hub message framing (<see cref="ClientConnection.WireBytes"/>).
    /// </summary>
    public long WireBytesReceived => Interlocked.Read(ref _wireBytesReceived);

    /// <summary>Successful reconnects (each outage that ended with the connection back counts once).</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Reconnects that got the seat back (<see cref="Resumed"/>).</summary>
    public long Resumes => Interlocked.Read(ref _resumes);

    /// <summary>Reconnects whose resume was refused (<see cref="ResumeFailed"/>).</summary>
    public long ResumeFailures => Interlocked.Read(ref _resumeFailures);

    /// <summary>Times a snapshot's tick went backwards (<see cref="RoomRestored"/>).</summary>
    public long RoomRestores => Interlocked.Read(ref _roomRestores);

    /// <summary>Inputs <see cref="SendInputAsync"/> dropped because the connection was down.</summary>
    public long InputsDropped => Interlocked.Read(ref _inputsDropped);

    /// <summary>
    /// The last outage: from the drop to the resumed welcome (or to the new connection, when not in a room). Null
    /// before the first reconnect.
    /// </summary>
    public TimeSpan? LastOutage => Interlocked.Read(ref _lastOutageTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>The latest measured round-trip time, or null before the first <see cref="PingAsync"/>.</summary>
    public TimeSpan? LastRoundTrip { get; private set; }

    /// <summary>The close status the server sent on the most recent connection that ended (null while none has, or if it dropped without one).</summary>
    public WebSocketCloseStatus? CloseStatus => _closeStatus;

    public string? CloseStatusDescription => _closeStatusDescription;

    /// <summary>Completes when the client is closed for good (not at a drop it reconnects from).</summary>
    public Task Completion => _run ?? Task.CompletedTask;

    /// <summary>
    /// Opens the connection (a WebSocket unless <see cref="GameClientOptions.Transport"/> says otherwise) offering the
    /// protocol's versions; throws if refused (<see cref="WebSocketException"/> for the WebSocket transport).
    /// </summary>
    public Task ConnectAsync(Uri uri, CancellationToken cancellationToken = default)
    {
        if (uri is null)
        {
            throw new ArgumentNullException(nameof(uri));
        }
        return ConnectAsync(new[] { uri }, cancellationToken);
    }

    /// <summary>
    /// Connects to the first of <paramref name="endpoints"/> that accepts, trying them in order; each reconnect
    /// attempt later moves on to the next one (round robin), so a client whose edge died reaches another. With one
    /// load-balanced URL, pass just that. The first connect is not retried: if every endpoint refuses, this throws the
    /// last endpoint's error (a 401 or 403 refusal throws at once).
    /// </summary>
    public async Task ConnectAsync(IReadOnlyList<Uri> endpoints, CancellationToken cancellationToken = default)
    {
        if (endpoints is null)
        {
            throw new ArgumentNullException(nameof(endpoints));
        }
        if (endpoints.Count == 0 || endpoints.Any(e => e is null))
        {
            throw new ArgumentException("Give at least one endpoint, and no nulls.", nameof(endpoints));
        }
        if (Interlocked.Exchange(ref _connectCalled, 1) != 0)
        {
            throw new InvalidOperationException("This client is already connected; create a new one to connect again (it reconnects by itself after a drop).");
        }
        _endpoints = endpoints.ToArray();
        State = ConnectionState.Connecting;
        for (var i = 0; i < _endpoints.Count; i++)
        {
            var attempt = await OpenAsync(_endpoints[i], cancellationToken).ConfigureAwait(false);
            if (attempt.Connection is { } connection)
            {
                _endpointIndex = i;
                _socket = connection;
                ResetDeltaBase();
                Volatile.Write(ref _endpoint, attempt.Endpoint);
                State = ConnectionState.Connected;
                _run = Task.Run(() => RunAsync(connection), CancellationToken.None);
                return;
            }
            if (i == _endpoints.Count - 1 || attempt.IsPermanent || cancellationToken.IsCancellationRequested)
            {
                State = ConnectionState.Closed;
                ExceptionDispatchInfo.Capture(attempt.Error!).Throw();
            }
        }
    }

    /// <summary>Matchmakes into a room of <paramref name="roomType"/> (join-or-create).</summary>
    public Task<Welcome> JoinAsync(string roomType, CancellationToken cancellationToken = default) =>
        JoinCoreAsync(new Join(roomType), cancellationToken);

    /// <summary>
    /// Matchmakes into a public room of <paramref name="roomType"/> whose properties match <paramref name="properties"/>
    /// (join-or-create), e.g. <c>{ mode: duel }</c> for the arena; players asking for different values never share a
    /// room. A property the room type declares but the criteria leave out takes its default. Throws
    /// <see cref="GameServerException"/> with <see cref="ErrorCode.InvalidJoin"/> for a property or value the room type
    /// does not declare.
    /// </summary>
    public Task<Welcome> JoinAsync(string roomType, IReadOnlyDictionary<string, string>? properties, CancellationToken cancellationToken = default) =>
        JoinCoreAsync(new Join(RequireRoomType(roomType), null, properties), cancellationToken);

    /// <summary>
    /// Matchmakes into a public room of <paramref name="roomType"/> as <see cref="JoinAsync(string, IReadOnlyDictionary{string, string}, CancellationToken)"/>,
    /// with join options for the game: one MessagePack value, at most <see cref="JoinOptions.MaxBytes"/> bytes, which
    /// the game reads to place the player (e.g. a team) or to refuse them. A refusal throws
    /// <see cref="GameServerException"/> with <see cref="ErrorCode.JoinRefused"/> and the game's reason in
    /// <see cref="GameServerException.Reason"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> is over <see cref="JoinOptions.MaxBytes"/> bytes.</exception>
    public Task<Welcome> JoinAsync(
        string roomType, IReadOnlyDictionary<string, string>? properties, ReadOnlyMemory<byte> options, CancellationToken cancellationToken = default) =>
        JoinCoreAsync(new Join(RequireRoomType(roomType), null, properties, JoinOptionsMap.Check(options, nameof(options))), cancellationToken);

    /// <summary>
    /// As <see cref="JoinAsync(string, IReadOnlyDictionary{string, string}, ReadOnlyMemory{byte}, CancellationToken)"/>,
    /// with string join options sent as a MessagePack map (e.g. <c>{ team: red }</c> for the tag game).
    /// </summary>
    public Task<Welcome> JoinAsync(
        string roomType, IReadOnlyDictionary<string, string>? properties, IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken = default) =>
        JoinAsync(roomType, properties, JoinOptionsMap.Write(options, nameof(options)), cancellationToken);

    /// <summary>
    /// Opens a new room of <paramref name="roomType"/> and seats the player in it. A private room is left out of
    /// matchmaking and the lobby; its <see cref="Welcome.RoomCode"/> (also <see cref="RoomCode"/>) is the 6-character code
    /// friends pass to <see cref="JoinByCodeAsync(string, CancellationToken)"/>.
    /// </summary>
    /// <param name="roomType">The room type, e.g. <c>arena</c>.</param>
    /// <param name="isPrivate">True for a room reached only by its code.</param>
    /// <param name="properties">The room's property values (e.g. <c>{ mode: duel }</c>); null or left out take the room type's defaults.</param>
    /// <param name="cancellationToken">Cancels the wait for the welcome.</param>
    public Task<Welcome> CreateRoomAsync(
        string roomType, bool isPrivate, IReadOnlyDictionary<string, string>? properties = null, CancellationToken cancellationToken = default) =>
        JoinCoreAsync(new Create(RequireRoomType(roomType), isPrivate, properties), cancellationToken);

    /// <summary>
    /// As <see cref="CreateRoomAsync(string, bool, IReadOnlyDictionary{string, string}, CancellationToken)"/>, with join
    /// options for the first seat (one MessagePack value, at most <see cref="JoinOptions.MaxBytes"/> bytes; see
    /// <see cref="JoinAsync(string, IReadOnlyDictionary{string, string}, ReadOnlyMemory{byte}, CancellationToken)"/>).
    /// </summary>
    public Task<Welcome> CreateRoomAsync(
        string roomType, bool isPrivate, IReadOnlyDictionary<string, string>? properties, ReadOnlyMemory<byte> options, CancellationToken cancellationToken = default) =>
        JoinCoreAsync(new Create(RequireRoomType(roomType), isPrivate, properties, JoinOptionsMap.Check(options, nameof(options))), cancellationToken);

    /// <summary>As the other <c>CreateRoomAsync</c> with options, with string join options sent as a MessagePack map.</summary>
    public Task<Welcome> CreateRoomAsync(
        string roomType, bool isPrivate, IReadOnlyDictionary<string, string>? properties, IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken = default) =>
        CreateRoomAsync(roomType, isPrivate, properties, JoinOptionsMap.Write(options, nameof(options)), cancellationToken);

    /// <summary>
    /// Joins the room a friend's code leads to (<see cref="Welcome.RoomCode"/> from their <see cref="CreateRoomAsync(string, bool, IReadOnlyDictionary{string, string}, CancellationToken)"/>).
    /// Throws <see cref="GameServerException"/> with <see cref="ErrorCode.RoomCodeUnknown"/> when no open room has the
    /// code, <see cref="ErrorCode.RoomFull"/> when it is full, or <see cref="ErrorCode.TooManyCodeGuesses"/> after too
    /// many attempts (the server allows a few a minute).
    /// </summary>
    public Task<Welcome> JoinByCodeAsync(string code, CancellationToken cancellationToken = default) =>
        JoinByCodeAsync(code, ReadOnlyMemory<byte>.Empty, cancellationToken);

    /// <summary>
    /// As <see cref="JoinByCodeAsync(string, CancellationToken)"/>, with join options for the game (one MessagePack
    /// value, at most <see cref="JoinOptions.MaxBytes"/> bytes; see
    /// <see cref="JoinAsync(string, IReadOnlyDictionary{string, string}, ReadOnlyMemory{byte}, CancellationToken)"/>).
    /// </summary>
    public Task<Welcome> JoinByCodeAsync(string code, ReadOnlyMemory<byte> options, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            throw new ArgumentException("Give the room's code, e.g. from the creator's Welcome.RoomCode.", nameof(code));
        }
        return JoinCoreAsync(new JoinByCode(code, JoinOptionsMap.Check(options, nameof(options))), cancellationToken);
    }

    /// <summary>As the other <c>JoinByCodeAsync</c> with options, with string join options sent as a MessagePack map.</summary>
    public Task<Welcome> JoinByCodeAsync(string code, IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken = default) =>
        JoinByCodeAsync(code, JoinOptionsMap.Write(options, nameof(options)), cancellationToken);

    /// <summary>Joins a specific room by id.</summary>
    public Task<Welcome> JoinRoomAsync(string roomId, CancellationToken cancellationToken = default) =>
        JoinCoreAsync(new Join(null, roomId), cancellationToken);

    /// <summary>
    /// Takes back a seat by hand with a token saved from an earlier <see cref="Welcome"/> (e.g. the app restarted
    /// within the room's grace window). A dropped connection does this by itself; this is for a new client. Throws
    /// <see cref="GameServerException"/> with <see cref="ErrorCode.ResumeExpired"/> or
    /// <see cref="ErrorCode.ResumeRejected"/> when the seat cannot be had; the client then stays connected, out of a room.
    /// </summary>
    public Task<Welcome> ResumeAsync(string roomId, string resumeToken, CancellationToken cancellationToken = default) =>
        JoinCoreAsync(new Resume(roomId, resumeToken), cancellationToken);

    /// <summary>
    /// Sends one input with the next sequence number and returns that number. While the client is
    /// <see cref="ConnectionState.Reconnecting"/> the input is dropped, takes no sequence number, counts in
    /// <see cref="InputsDropped"/>, and 0 is returned: the player's intent is stale by the time the seat is back, and
    /// the next input's number continues right after the last one sent. An input lost in flight as the connection
    /// drops keeps its number; the server accepts any sequence above the last it processed, so the gap is harmless.
    /// </summary>
    public async Task<uint> SendInputAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var socket = _socket ?? throw new InvalidOperationException("Connect first.");
        if (State == ConnectionState.Reconnecting)
        {
            Interlocked.Increment(ref _inputsDropped);
            return 0;
        }
        var seq = (uint)Interlocked.Increment(ref _nextSeq);
        var clientTick = LastTick < 0 ? 0 : LastTick;
        try
        {
            await SendFrameAsync(socket, MessageCodec.Encode(new Input(seq, clientTick, payload)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException && MayReconnect)
        {
            // The connection dropped under this send; the receive loop sees the same drop and reconnects.
            Interlocked.Increment(ref _inputsDropped);
        }
        return seq;
    }

    /// <summary>Measures one round trip to the edge. Throws <see cref="InvalidOperationException"/> while reconnecting.</summary>
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
        try
        {
            await SendAsync(new Leave(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not sent: nothing is pending, so a later drop must not take this for a leave and give up the seat.
            Interlocked.CompareExchange(ref _pendingLeave, null, left);
            throw;
        }
        await WaitAsync(left.Task, "left", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops the connection as a network failure would: no close handshake, the server sees the socket end. The client
    /// then reconnects and resumes its seat as after any drop (<see cref="Reconnecting"/>, <see cref="Resumed"/>). For
    /// testing recovery (the load tool's churn mode drops players this way). Does nothing when not connected.
    /// </summary>
    public void DropConnection()
    {
        if (State is ConnectionState.Connected or ConnectionState.InRoom)
        {
            _socket?.Abort();
        }
    }

    /// <summary>
    /// Sends raw bytes as one binary frame (for tests of the server's validation). Throws while reconnecting; a text
    /// frame (<paramref name="type"/>) only over the WebSocket transport.
    /// </summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> frame, WebSocketMessageType type = WebSocketMessageType.Binary, CancellationToken cancellationToken = default)
    {
        var socket = _socket ?? throw new InvalidOperationException("Connect first.");
        if (State == ConnectionState.Reconnecting)
        {
            throw new InvalidOperationException("The connection dropped and the client is reconnecting; wait for Reconnected.");
        }
        await SendFrameAsync(socket, frame, cancellationToken, type).ConfigureAwait(false);
    }

    /// <summary>Closes the connection with a normal close handshake, and stops reconnecting if a reconnect is under way.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _closeRequested, 1);
        _stopping.Cancel();
        var socket = _socket;
        if (socket is not null)
        {
            try
            {
                await socket.CloseAsync((int)WebSocketCloseStatus.NormalClosure, "bye", cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException
                || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Dropped or aborted under the close (e.g. a resume in progress gave up): it is closed either way.
            }
        }
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                await CloseAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _socket?.Dispose();
        if (_run is { } run && await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false) != run)
        {
            return; // still unwinding and may yet use the send lock; undisposed, it holds nothing but memory
        }
        _sendLock.Dispose();
    }

    private bool CloseRequested => Volatile.Read(ref _closeRequested) != 0;

    private bool MayReconnect => _reconnect.Enabled && _reconnect.MaxAttempts > 0 && !CloseRequested && State != ConnectionState.Closed;

    private static string RequireRoomType(string roomType) =>
        string.IsNullOrWhiteSpace(roomType) ? throw new ArgumentException("Give a room type, e.g. \"arena\".", nameof(roomType)) : roomType;

    /// <summary>
    /// How to get back into a game after the seat in <paramref name="lost"/> could not be resumed: a private room by
    /// its code (matchmaking would never lead back to the friends in it), a public one by matchmaking with its
    /// properties (the same mode, not the room type's default).
    /// </summary>
    private ClientMessage RejoinMessage(Welcome lost) =>
        lost.RoomCode is { } code ? new JoinByCode(code, _joinOptions) : new Join(lost.RoomType, null, lost.Properties, _joinOptions);

    /// <summary>The join options a seat request carries (none for a join by room id or a resume).</summary>
    private static ReadOnlyMemory<byte>? OptionsOf(ClientMessage join) => join switch
    {
        Join j => j.Options,
        Create c => c.Options,
        JoinByCode b => b.Options,
        Resume => null, // the same seat: its options stay
        _ => ReadOnlyMemory<byte>.Empty,
    };

    private async Task<Welcome> JoinCoreAsync(ClientMessage join, CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<Welcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _pendingJoin, pending, null) is not null)
        {
            throw new InvalidOperationException("A join is already in progress.");
        }
        try
        {
            await SendAsync(join, cancellationToken).ConfigureAwait(false);
            var welcome = await WaitAsync(pending.Task, "welcome", cancellationToken).ConfigureAwait(false);
            if (OptionsOf(join) is { } options)
            {
                _joinOptions = options.ToArray();
            }
            return welcome;
        }
        finally
        {
            Interlocked.CompareExchange(ref _pendingJoin, null, pending);
        }
    }

    private Task SendAsync(ClientMessage message, CancellationToken cancellationToken) =>
        SendRawAsync(MessageCodec.Encode(message), WebSocketMessageType.Binary, cancellationToken);

    private async Task SendFrameAsync(
        ClientConnection socket, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken, WebSocketMessageType type = WebSocketMessageType.Binary)
    {
        if (type != WebSocketMessageType.Binary && socket is not WebSocketConnection)
        {
            throw new NotSupportedException($"The {_transport.Name} transport carries binary frames only.");
        }
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (socket is WebSocketConnection webSocket)
            {
                await webSocket.SendAsync(frame, type, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await socket.SendAsync(frame, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
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

    /// <summary>One handshake; never throws (the error, and whether retrying is pointless, come back in the result).</summary>
    private async Task<OpenResult> OpenAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        ClientConnection? connection = null;
        try
        {
            connection = _transport.CreateConnection();
            var subProtocols = _options.DeltaSnapshots && (!_options.DecodeSnapshots || _options.StateDelta is not null)
                ? s_offerV2
                : s_offerV1;
            var token = _options.AccessTokenProvider is { } provider
                ? await provider(cancellationToken).ConfigureAwait(false)
                : _options.AccessToken;
            await connection.ConnectAsync(endpoint, subProtocols, token, _options, cancellationToken).ConfigureAwait(false);
            return new OpenResult(connection, endpoint, null, false, null);
        }
        catch (Exception ex)
        {
            var status = connection?.RefusalStatus;
            var retryAfter = connection?.RetryAfter;
            connection?.Dispose();
            return new OpenResult(null, endpoint, ex, status is 401 or 403, retryAfter);
        }
    }

    /// <summary>The client's life after the first connect: receive, and after a drop reconnect and resume, until closed for good.</summary>
    private async Task RunAsync(ClientConnection reader)
    {
        var finished = false;
        var (status, reason) = ((WebSocketCloseStatus?)null, (string?)"the client stopped");
        try
        {
            while (true)
            {
                (status, reason) = await ReceiveLoopAsync(reader).ConfigureAwait(false);
                OnConnectionEnded(status, reason);
                if (!ShouldReconnect(status))
                {
                    break;
                }
                var next = await ReconnectAsync(status, reason).ConfigureAwait(false);
                if (next.Connection is null)
                {
                    (status, reason) = (next.Status, next.Reason);
                    break;
                }
                reader = next.Connection;
            }
            finished = true;
        }
        finally
        {
            State = ConnectionState.Closed;
            if (!finished)
            {
                reason = "the client stopped after an event handler threw";
                FailPending(status, reason);
            }
            Raise(Closed, status, reason);
        }
    }

    private async Task<(WebSocketCloseStatus? Status, string? Reason)> ReceiveLoopAsync(ClientConnection socket)
    {
        var watchdog = new DeadPeerWatchdog(_options.KeepAliveInterval, _options.KeepAliveTimeout, _clock.Elapsed,
            () => _ = SendKeepAlivePingAsync(socket),
            () =>
            {
                Interlocked.Increment(ref _deadPeerDrops);
                socket.Abort(); // the read below fails, and the client reconnects and resumes as after any drop
            });
        using var timer = watchdog.IsEnabled
            ? new Timer(_ => watchdog.Check(_clock.Elapsed), null, watchdog.CheckEvery, watchdog.CheckEvery)
            : null;
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(CancellationToken.None).ConfigureAwait(false) is not { } frame)
                {
                    return CloseOf(socket);
                }
                CountReceived(socket, frame.Length);
                watchdog.MarkReceived(ReceivedAtNow);
                Dispatch(frame);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            return CloseOf(socket);
        }
    }

    /// <summary>The watchdog's ping; its pong updates <see cref="LastRoundTrip"/>. A failed send is the receive loop's to notice.</summary>
    private async Task SendKeepAlivePingAsync(ClientConnection socket)
    {
        try
        {
            await SendFrameAsync(socket, MessageCodec.Encode(new Ping(_clock.Elapsed.TotalMilliseconds)), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException or InvalidOperationException)
        {
        }
    }

    private static (WebSocketCloseStatus? Status, string? Reason) CloseOf(ClientConnection connection) =>
        ((WebSocketCloseStatus?)connection.CloseStatus, connection.CloseStatusDescription);

    private void OnConnectionEnded(WebSocketCloseStatus? status, string? reason)
    {
        _closeStatus = status;
        _closeStatusDescription = reason;
        if (_pendingLeave is { Task.IsCompleted: false })
        {
            // The app was leaving: do not take the seat back; the server releases it after the grace window.
            _welcome = null;
        }
        if ((int?)status == CloseCode.Kicked && _welcome is { } room)
        {
            // The game removed the player and freed the seat: there is nothing to resume (4005 is not reconnected from).
            _welcome = null;
            Interlocked.Exchange(ref _roomTick, -1);
            Raise(LeftRoom, new Left(room.RoomId, "kicked", reason));
        }
        FailPending(status, reason);
    }

    private void FailPending(WebSocketCloseStatus? status, string? reason)
    {
        var closed = new InvalidOperationException($"Connection closed ({(int?)status} {reason}).");
        _pendingJoin?.TrySetException(closed);
        _pendingLeave?.TrySetException(closed);
        foreach (var ping in _pings.Values)
        {
            ping.TrySetException(closed);
        }
    }

    private bool ShouldReconnect(WebSocketCloseStatus? status)
    {
        if (!MayReconnect || !CloseCode.ShouldReconnect((int?)status))
        {
            return false;
        }
        // Idle outside a room: there is no seat to resume, and a new connection left just as idle would be closed again.
        return !((int?)status == CloseCode.IdleTimeout && _welcome is null);
    }

    /// <summary>Attempts until one connects (and its resume is answered), the app closes, or the attempts run out.</summary>
    private async Task<(ClientConnection? Connection, WebSocketCloseStatus? Status, string? Reason)> ReconnectAsync(WebSocketCloseStatus? cause, string? causeReason)
    {
        var outageStart = _clock.Elapsed;
        var afterDrain = (int?)cause == CloseCode.Draining;
        Exception? lastError = null;
        TimeSpan? retryAfter = null;
        State = ConnectionState.Reconnecting;
        for (var attempt = 0; attempt < _reconnect.MaxAttempts; attempt++)
        {
            // A refusal's Retry-After is the server's floor; the jitter on top keeps the refused crowd spread out.
            var delay = (retryAfter ?? TimeSpan.Zero) + ReconnectBackoff.Delay(_reconnect, attempt, afterDrain, _random);
            retryAfter = null;
            Raise(Reconnecting, new ReconnectingEventArgs(attempt + 1, delay, (int?)cause, causeReason, lastError));
            try
            {
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (null, cause, "closed by the app while reconnecting");
            }

            _endpointIndex = (_endpointIndex + 1) % _endpoints.Count;
            OpenResult opened;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
            {
                timeout.CancelAfter(_options.RequestTimeout);
                opened = await OpenAsync(_endpoints[_endpointIndex], timeout.Token).ConfigureAwait(false);
            }
            if (CloseRequested)
            {
                opened.Connection?.Dispose();
                return (null, cause, "closed by the app while reconnecting");
            }
            if (opened.Connection is not { } reader)
            {
                lastError = opened.Error;
                retryAfter = opened.RetryAfter;
                if (opened.IsPermanent)
                {
                    return (null, cause, $"reconnect refused, not retrying: {opened.Error?.Message}");
                }
                continue;
            }

            var previous = _socket;
            _socket = reader;
            ResetDeltaBase();
            Volatile.Write(ref _endpoint, opened.Endpoint);
            previous?.Dispose();
            var lostSeatOf = _welcome;
            if (_welcome is { ReconnectGraceSeconds: <= 0 } seatless)
            {
                // The server keeps no seat after a disconnect (reconnectGraceSeconds 0: no resume support), so there is
                // nothing to ask for; report it as an expired seat.
                OnResumeFailed(seatless, new Error(ErrorCode.ResumeExpired, "The server keeps no seat after a disconnect (reconnectGraceSeconds is 0); join afresh."));
            }
            else if (_welcome is { } room)
            {
                var (outcome, why, status, reason) = await TryResumeAsync(reader, room, outageStart).ConfigureAwait(false);
                if (outcome is ResumeOutcome.Retry or ResumeOutcome.Closed)
                {
                    reader.Abort();
                    if (outcome == ResumeOutcome.Closed)
                    {
                        _closeStatus = status;
                        _closeStatusDescription = reason;
                        if (!CloseRequested && !CloseCode.ShouldReconnect((int?)status))
                        {
                            return (null, status, reason);
                        }
                    }
                    if (CloseRequested)
                    {
                        return (null, cause, "closed by the app while reconnecting");
                    }
                    lastError = new WebSocketException(why);
                    State = ConnectionState.Reconnecting;
                    continue;
                }
            }
            else
            {
                State = ConnectionState.Connected;
                Interlocked.Exchange(ref _lastOutageTicks, (_clock.Elapsed - outageStart).Ticks);
            }
            Interlocked.Increment(ref _reconnects);
            Raise(Reconnected, new ReconnectedEventArgs(opened.Endpoint, attempt + 1, _clock.Elapsed - outageStart));
            if (lostSeatOf is not null && _welcome is null && _reconnect.RejoinAfterResumeFailure)
            {
                // The seat is gone: back into the same game; the receive loop raises the welcome (or the error).
                try
                {
                    await SendFrameAsync(reader, MessageCodec.Encode(RejoinMessage(lostSeatOf)), _stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
                {
                    // Dropped again (the receive loop notices) or closed by the app: nothing to join.
                }
            }
            return (reader, null, null);
        }
        return (null, cause, $"gave up after {_reconnect.MaxAttempts} reconnect attempts; the last failed with: {lastError?.Message}");
    }

    /// <summary>
    /// Sends <see cref="Resume"/> on a new connection and reads until its answer. Reading here, not in the receive
    /// loop, keeps every event on one sequence: the resume's events come before the first snapshot's.
    /// </summary>
    private async Task<(ResumeOutcome Outcome, string Why, WebSocketCloseStatus? Status, string? Reason)> TryResumeAsync(
        ClientConnection socket, Welcome room, TimeSpan outageStart)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            await SendFrameAsync(socket, MessageCodec.Encode(new Resume(room.RoomId, room.ResumeToken)), timeout.Token).ConfigureAwait(false);
            while (true)
            {
                if (await socket.ReceiveAsync(timeout.Token).ConfigureAwait(false) is not { } frame)
                {
                    var (status, reason) = CloseOf(socket);
                    return (ResumeOutcome.Closed, $"the server closed the connection ({(int?)status} {reason}) instead of answering the resume", status, reason);
                }
                CountReceived(socket, frame.Length);
                var type = MessageCodec.PeekType(frame.Span);
                if (type is not (MessageType.Welcome or MessageType.Error))
                {
                    Dispatch(frame);
                    continue;
                }
                ServerMessage message;
                try
                {
                    message = MessageCodec.DecodeServer(frame);
                }
                catch (ProtocolException ex)
                {
                    return (ResumeOutcome.Retry, "the answer to the resume did not decode: " + ex.Message, null, null);
                }
                switch (message)
                {
                    case Welcome welcome:
                        OnResumed(welcome, outageStart);
                        return (ResumeOutcome.Resumed, "", null, null);
                    case Error error:
                        Raise(ErrorReceived, error);
                        if (error.Code is ErrorCode.InternalError or ErrorCode.RateLimited)
                        {
                            // Transient: the seat is still held for the grace window, so try again after the backoff.
                            return (ResumeOutcome.Retry, $"resume answered with error {error.Code}: {error.Message}", null, null);
                        }
                        OnResumeFailed(room, error);
                        return (ResumeOutcome.Failed, "", null, null);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (ResumeOutcome.Retry, $"no answer to the resume within {_options.RequestTimeout.TotalSeconds:0.#} s", null, null);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
            return (ResumeOutcome.Closed, "the connection dropped during the resume: " + ex.Message, (WebSocketCloseStatus?)socket.CloseStatus, socket.CloseStatusDescription);
        }
    }

    private void OnResumed(Welcome welcome, TimeSpan outageStart)
    {
        if (!welcome.Resumed)
        {
            // Seated afresh rather than resumed (a server without resume): a new entity, so sequences restart.
            OnWelcome(welcome);
            return;
        }
        _welcome = welcome;
        State = ConnectionState.InRoom;
        Raise(Welcomed, welcome);
        Interlocked.Increment(ref _resumes);
        var outage = _clock.Elapsed - outageStart;
        Interlocked.Exchange(ref _lastOutageTicks, outage.Ticks);
        Raise(Resumed, new ResumedEventArgs(welcome, outage));
    }

    private void OnResumeFailed(Welcome room, Error error)
    {
        Interlocked.Increment(ref _resumeFailures);
        _welcome = null;
        Interlocked.Exchange(ref _roomTick, -1);
        State = ConnectionState.Connected;
        Raise(ResumeFailed, error);
        Raise(LeftRoom, new Left(room.RoomId, "resume-failed"));
    }

    private void CountReceived(ClientConnection connection, int length)
    {
        Volatile.Write(ref _receivedAtTicks, _clock.Elapsed.Ticks);
        Interlocked.Add(ref _bytesReceived, length);
        Interlocked.Add(ref _wireBytesReceived, connection.WireBytes(length));
    }

    private void Dispatch(ReadOnlyMemory<byte> frame)
    {
        var type = MessageCodec.PeekType(frame.Span);
        if (type == MessageType.Snapshot && !_options.DecodeSnapshots)
        {
            ReadSnapshotLite(frame);
            return;
        }
        if (type == MessageType.Delta && !_options.DecodeSnapshots)
        {
            ReadDeltaLite(frame);
            return;
        }
        ServerMessage message;
        try
        {
            message = MessageCodec.DecodeServer(frame);
        }
        catch (ProtocolException ex)
        {
            // A newer server's message this client does not know is skipped; a broken one is skipped and counted.
            if (ex.ErrorCode == ErrorCode.MalformedMessage)
            {
                Interlocked.Increment(ref _malformedFrames);
            }
            return;
        }
        switch (message)
        {
            case Snapshot snapshot:
                _deltaBase = snapshot;
                _keyframeRequested = false;
                OnSnapshot(snapshot.Tick, _welcome is { } w ? AckOf(snapshot, w.EntityId) : null, frame.Length, snapshot);
                break;
            case Delta delta:
                OnDelta(delta, frame.Length);
                break;
            case Welcome welcome:
                OnWelcome(welcome);
                _pendingJoin?.TrySetResult(welcome);
                Raise(Welcomed, welcome);
                break;
            case Pong pong:
                if (_pings.TryGetValue(pong.ClientTimeMs, out var pending))
                {
                    pending.TrySetResult(pong.ClientTimeMs);
                }
                else if (pong.ClientTimeMs >= 0 && pong.ClientTimeMs <= _clock.Elapsed.TotalMilliseconds)
                {
                    LastRoundTrip = TimeSpan.FromMilliseconds(_clock.Elapsed.TotalMilliseconds - pong.ClientTimeMs); // a keep-alive's
                }
                break;
            case Error error:
                _pendingJoin?.TrySetException(new GameServerException(error.Code, error.Message));
                Raise(ErrorReceived, error);
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
                Raise(SettingsChanged, changed);
                break;
            case Events events:
                OnEvents(events);
                break;
            case Left left:
                _welcome = null;
                Interlocked.Exchange(ref _roomTick, -1);
                State = ConnectionState.Connected;
                _pendingLeave?.TrySetResult(left);
                Raise(LeftRoom, left);
                break;
        }
    }

    private void OnWelcome(Welcome welcome)
    {
        if (!welcome.Resumed)
        {
            // A new seat: the server counts this player's sequence from 0 again, and the room's ticks are its own.
            Interlocked.Exchange(ref _lastAckedSeq, 0);
            Interlocked.Exchange(ref _nextSeq, 0);
            Interlocked.Exchange(ref _roomTick, -1);
            _ackHistory.Clear();
            _lastEventSeq = 0; // a new room numbers its events from 1
            _eventsSeen.Clear();
        }
        _welcome = welcome;
        State = ConnectionState.InRoom;
    }

    /// <summary>Raises each event of the frame that is newer than the last one raised in this room.</summary>
    private void OnEvents(Events events)
    {
        if (_welcome is null)
        {
            return; // no room: the events of one just left
        }
        if (events.Tick > Interlocked.Read(ref _roomTick))
        {
            Interlocked.Increment(ref _gameEventsEarly);
        }
        foreach (var item in events.Items)
        {
            if (item.Seq <= _lastEventSeq - EventWindow || !_eventsSeen.Add(item.Seq))
            {
                Interlocked.Increment(ref _gameEventsDuplicated);
                continue;
            }
            if (item.Seq > _lastEventSeq)
            {
                _lastEventSeq = item.Seq;
                if (_eventsSeen.Count > 2 * EventWindow)
                {
                    _eventsSeen.RemoveWhere(seq => seq <= _lastEventSeq - EventWindow);
                }
            }
            Interlocked.Increment(ref _gameEventsReceived);
            Raise(GameEventReceived, item);
        }
    }

    private void ReadSnapshotLite(ReadOnlyMemory<byte> frame)
    {
        if (!SnapshotHeader.TryRead(frame, _welcome?.EntityId ?? -1, out var tick, out var ack))
        {
            Interlocked.Increment(ref _malformedFrames);
            return;
        }
        _deltaBaseTick = tick;
        _deltaBaseAck = ack;
        _keyframeRequested = false;
        OnSnapshot(tick, ack, frame.Length, null);
    }

    /// <summary>A delta when not decoding: only this player's ack is followed, from the base snapshot's.</summary>
    private void ReadDeltaLite(ReadOnlyMemory<byte> frame)
    {
        if (!DeltaFormatter.TryReadHeader(frame, _welcome?.EntityId ?? -1, _deltaBaseAck is not null, out var tick, out var baseTick, out var change))
        {
            Interlocked.Increment(ref _malformedFrames);
            return;
        }
        if (baseTick != _deltaBaseTick || _deltaBaseTick < 0)
        {
            RequestKeyframe();
            return;
        }
        var ack = change is { } c && (_deltaBaseAck ?? 0) + c is var value and >= 0 and <= uint.MaxValue ? (uint?)value : null;
        _deltaBaseTick = tick;
        _deltaBaseAck = ack;
        Interlocked.Increment(ref _deltasReceived);
        OnSnapshot(tick, ack, frame.Length, null);
    }

    /// <summary>A delta when decoding: rebuild the full snapshot from the last one, or ask for a full one if it does not follow.</summary>
    private void OnDelta(Delta delta, int frameLength)
    {
        if (_deltaBase is not { } baseSnapshot || baseSnapshot.Tick != delta.BaseTick)
        {
            RequestKeyframe();
            return;
        }
        Snapshot snapshot;
        try
        {
            snapshot = DeltaFormatter.Apply(baseSnapshot, delta, _options.StateDelta);
        }
        catch (Exception ex) when (ex is MessagePack.MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            Interlocked.Increment(ref _malformedFrames);
            _deltaBase = null;
            RequestKeyframe();
            return;
        }
        _deltaBase = snapshot;
        Interlocked.Increment(ref _deltasReceived);
        OnSnapshot(snapshot.Tick, _welcome is { } w ? AckOf(snapshot, w.EntityId) : null, frameLength, snapshot);
    }

    /// <summary>Asks the server (once until a full snapshot comes) to send the next snapshot in full.</summary>
    private void RequestKeyframe()
    {
        if (_keyframeRequested || _socket is not { } socket)
        {
            return;
        }
        _keyframeRequested = true;
        Interlocked.Increment(ref _keyframeRequests);
        _ = SendKeyframeRequestAsync(socket);
    }

    private async Task SendKeyframeRequestAsync(ClientConnection socket)
    {
        try
        {
            await SendFrameAsync(socket, MessageCodec.Encode(new KeyframeRequest()), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException or InvalidOperationException)
        {
            // The connection is going; the next one starts with a full snapshot anyway.
        }
    }

    /// <summary>A new connection: the server starts it with a full snapshot, so nothing before it is a base.</summary>
    private void ResetDeltaBase()
    {
        _deltaBase = null;
        _deltaBaseTick = -1;
        _deltaBaseAck = null;
        _keyframeRequested = false;
    }

    /// <summary>This player's ack in <paramref name="snapshot"/>, or null when the snapshot has none for it.</summary>
    private static uint? AckOf(Snapshot snapshot, int entityId)
    {
        var acks = snapshot.Acks.Span;
        for (var i = 0; i + 1 < acks.Length; i += 2)
        {
            if (acks[i] == (uint)entityId)
            {
                return acks[i + 1];
            }
        }
        return null;
    }

    private void OnSnapshot(long tick, uint? ackInSnapshot, int frameLength, Snapshot? snapshot)
    {
        var previous = Interlocked.Exchange(ref _roomTick, tick);
        if (previous >= 0 && tick <= previous)
        {
            Interlocked.Increment(ref _roomRestores);
            // The room went back to the checkpoint it saved at the tick before this one, and so did its count of this
            // player's inputs: those acknowledged after that tick were processed and then lost with the state.
            var ackedBefore = LastAckedSeq;
            var ackedAtCheckpoint = _ackHistory.RewindTo(tick - 1);
            if (ackInSnapshot is { } restored && restored < ackedBefore)
            {
                Interlocked.Exchange(ref _lastAckedSeq, restored); // the server's count went back; later acks count up from it
            }
            Raise(RoomRestored, new RoomRestoredEventArgs(previous, tick, ackedBefore, ackedAtCheckpoint));
        }
        if (ackInSnapshot is { } seen)
        {
            _ackHistory.Record(tick, seen);
        }
        Interlocked.Increment(ref _snapshotsReceived);
        Interlocked.Exchange(ref _lastTick, tick);
        var ack = ackInSnapshot ?? 0;
        var acknowledged = ack > LastAckedSeq;
        if (acknowledged)
        {
            Interlocked.Exchange(ref _lastAckedSeq, (long)ack);
            // A seat taken back by ResumeAsync in a new client: the server has processed more than this client sent,
            // and would ignore inputs numbered below its count, so continue from it.
            var sent = Volatile.Read(ref _nextSeq);
            if ((uint)sent < ack)
            {
                Interlocked.CompareExchange(ref _nextSeq, (int)ack, sent);
            }
        }
        if (_queue is { } queue)
        {
            // One queued entry per snapshot, so the cap on undrained snapshots drops its ack and frame events with it.
            queue.PostSnapshot(() => RaiseSnapshotEvents(tick, frameLength, acknowledged ? ack : 0, snapshot), ReceivedAtNow);
        }
        else
        {
            RaiseSnapshotEvents(tick, frameLength, acknowledged ? ack : 0, snapshot);
        }
    }

    private void RaiseSnapshotEvents(long tick, int frameLength, uint newAck, Snapshot? snapshot)
    {
        SnapshotFrameReceived?.Invoke(tick, frameLength);
        if (newAck > 0)
        {
            InputAcknowledged?.Invoke(newAck, tick);
        }
        if (snapshot is not null)
        {
            SnapshotReceived?.Invoke(snapshot);
        }
    }

    private TimeSpan ReceivedAtNow => TimeSpan.FromTicks(Volatile.Read(ref _receivedAtTicks));

    /// <summary>Raises an event now, or queues it for <see cref="DrainEvents"/> when events are queued.</summary>
    private void Raise<T>(Action<T>? handler, T argument)
    {
        if (handler is null)
        {
            return;
        }
        if (_queue is { } queue)
        {
            queue.Post(() => handler(argument), ReceivedAtNow);
        }
        else
        {
            handler(argument);
        }
    }

    private void Raise<T1, T2>(Action<T1, T2>? handler, T1 first, T2 second)
    {
        if (handler is null)
        {
            return;
        }
        if (_queue is { } queue)
        {
            queue.Post(() => handler(first, second), ReceivedAtNow);
        }
        else
        {
            handler(first, second);
        }
    }

    private enum ResumeOutcome
    {
        Resumed,
        Failed,
        Retry,
        Closed,
    }

    private readonly struct OpenResult
    {
        public OpenResult(ClientConnection? connection, Uri endpoint, Exception? error, bool isPermanent, TimeSpan? retryAfter)
        {
            Connection = connection;
            Endpoint = endpoint;
            Error = error;
            IsPermanent = isPermanent;
            RetryAfter = retryAfter;
        }

        public ClientConnection? Connection { get; }

        public Uri Endpoint { get; }

        public Exception? Error { get; }

        /// <summary>Refused with 401 or 403: retrying with the same credentials cannot succeed.</summary>
        public bool IsPermanent { get; }

        /// <summary>The refusal's <c>Retry-After</c>, if it had one.</summary>
        public TimeSpan? RetryAfter { get; }
    }
}
