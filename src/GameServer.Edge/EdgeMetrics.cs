using System.Diagnostics.Metrics;

namespace GameServer.Edge;

/// <summary>
/// The edge's instruments (meter <c>GameServer.Edge</c>): connections, handshake refusals, inputs in, snapshot bytes out,
/// and the slow-consumer guard. Per-message counters take no allocation (tags are static).
/// </summary>
internal sealed class EdgeMetrics
{
    /// <summary>Name of the meter; exporters subscribe to it (or to <c>GameServer.*</c>).</summary>
    public const string MeterName = "GameServer.Edge";

    private static readonly KeyValuePair<string, object?> s_snapshotTag = new("gameserver.message.kind", "snapshot");
    private static readonly KeyValuePair<string, object?> s_controlTag = new("gameserver.message.kind", "control");
    private static readonly KeyValuePair<string, object?> s_deltaTag = new("gameserver.message.kind", "delta");

    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _closed;
    private readonly Counter<long> _handshakeRejects;
    private readonly Counter<long> _inputsReceived;
    private readonly Counter<long> _inputsDropped;
    private readonly Counter<long> _inputBatches;
    private readonly Counter<long> _protocolErrors;
    private readonly Counter<long> _messagesSent;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _snapshotsDropped;
    private readonly Counter<long> _snapshotsReceived;
    private readonly UpDownCounter<long> _roomLinks;
    private readonly Counter<long> _resumes;
    private readonly Counter<long> _codeJoins;
    private readonly Counter<long> _roomFollows;
    private readonly Counter<long> _lateSnapshots;

    public EdgeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _connections = meter.CreateUpDownCounter<long>("gameserver.edge.connections", "{connection}", "Open player connections, by transport: websocket, or the fallback hub's hub-websockets, hub-sse, hub-longpolling.");
        _closed = meter.CreateCounter<long>("gameserver.edge.connections.closed", "{connection}",
            "Player connections ended, by reason: client_closed, lost, protocol_error, message_too_big, text_frame, slow_consumer, idle_timeout, rate_limited, drain, taken_over, kicked.");
        _handshakeRejects = meter.CreateCounter<long>("gameserver.edge.handshake.rejects", "{request}",
            "Requests to the game endpoint refused before the WebSocket upgrade, by reason.");
        _inputsReceived = meter.CreateCounter<long>("gameserver.edge.inputs.received", "{input}", "Input messages received from players.");
        _inputsDropped = meter.CreateCounter<long>("gameserver.edge.inputs.dropped", "{input}",
            "Inputs the edge did not forward, by reason: not_in_room, buffer_full.");
        _inputBatches = meter.CreateCounter<long>("gameserver.edge.input_batches.sent", "{call}", "Grain calls carrying a room's inputs (one per room per tick).");
        _protocolErrors = meter.CreateCounter<long>("gameserver.edge.protocol_errors", "{message}", "Frames refused as invalid, by error code.");
        _messagesSent = meter.CreateCounter<long>("gameserver.edge.messages.sent", "{message}", "Messages sent to players, by kind: snapshot, delta or control.");
        _bytesSent = meter.CreateCounter<long>("gameserver.edge.sent", "By", "WebSocket payload bytes sent to players, by kind: snapshot, delta or control.");
        _snapshotsDropped = meter.CreateCounter<long>("gameserver.edge.snapshots.dropped", "{snapshot}",
            "Snapshots replaced by a newer one before a slow connection could take them.");
        _snapshotsReceived = meter.CreateCounter<long>("gameserver.edge.snapshots.received", "{snapshot}",
            "Snapshots received from rooms (one per room per tick, shared by the room's players on this edge).");
        _roomLinks = meter.CreateUpDownCounter<long>("gameserver.edge.rooms", "{room}", "Rooms this edge is subscribed to.");
        _resumes = meter.CreateCounter<long>("gameserver.edge.resumes", "{resume}",
            "Resume requests from players, by outcome: resumed, expired (seat released), rejected (bad token).");
        _codeJoins = meter.CreateCounter<long>("gameserver.edge.code_joins", "{attempt}",
            "JoinByCode attempts, by outcome: joined, full, unknown (no open room has the code), limited (too many attempts).");
        _lateSnapshots = meter.CreateCounter<long>("gameserver.edge.snapshots.late", "{snapshot}",
            "Snapshots that arrived after a newer one of the same room (one-way messages may overtake) and were not forwarded.");
        _roomFollows = meter.CreateCounter<long>("gameserver.edge.room.resubscribes", "{call}",
            "Re-subscriptions to follow a room to a new activation, by cause: stalled (no snapshots), moving (silo shutting down).");
    }

    /// <summary>A player connection opened, on <paramref name="transport"/> (<c>websocket</c>, <c>hub-sse</c>, …).</summary>
    public void Connected(string transport) => _connections.Add(1, new KeyValuePair<string, object?>("gameserver.transport", transport));

    public void Disconnected(string reason, string transport)
    {
        _connections.Add(-1, new KeyValuePair<string, object?>("gameserver.transport", transport));
        _closed.Add(1, new KeyValuePair<string, object?>("gameserver.close.reason", reason), new KeyValuePair<string, object?>("gameserver.transport", transport));
    }

    public void HandshakeRejected(string reason) => _handshakeRejects.Add(1, new KeyValuePair<string, object?>("gameserver.reject.reason", reason));

    public void InputReceived() => _inputsReceived.Add(1);

    public void InputDropped(string reason) => _inputsDropped.Add(1, new KeyValuePair<string, object?>("gameserver.drop.reason", reason));

    public void InputBatchSent() => _inputBatches.Add(1);

    public void ProtocolError(int errorCode) =>
        _protocolErrors.Add(1, new KeyValuePair<string, object?>("gameserver.error.code", Protocol.ErrorCode.Name(errorCode)));

    public void SnapshotSent(int bytes, bool delta = false)
    {
        var tag = delta ? s_deltaTag : s_snapshotTag;
        _messagesSent.Add(1, tag);
        _bytesSent.Add(bytes, tag);
    }

    public void ControlSent(int bytes)
    {
        _messagesSent.Add(1, s_controlTag);
        _bytesSent.Add(bytes, s_controlTag);
    }

    public void SnapshotDropped() => _snapshotsDropped.Add(1);

    public void SnapshotReceived() => _snapshotsReceived.Add(1);

    public void Resumed(string outcome) => _resumes.Add(1, new KeyValuePair<string, object?>("gameserver.resume.outcome", outcome));

    public void SnapshotLate() => _lateSnapshots.Add(1);

    public void CodeJoin(string outcome) => _codeJoins.Add(1, new KeyValuePair<string, object?>("gameserver.code_join.outcome", outcome));

    public void RoomFollowed(string cause) => _roomFollows.Add(1, new KeyValuePair<string, object?>("gameserver.resubscribe.cause", cause));

    public void RoomLinked() => _roomLinks.Add(1);

    public void RoomUnlinked() => _roomLinks.Add(-1);
}
