using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using GameServer.Abstractions;
using GameServer.Protocol;
using Microsoft.Extensions.Logging;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.Edge;

/// <summary>
/// One player's connection: reads frames, validates them, and turns them into matchmaking, room joins and buffered
/// inputs. Holds no game state; the room grain does. The session runs the receive loop, dispatches messages and
/// decides how the connection closes; its parts do the rest: <see cref="FrameReader"/> (whole messages, size limit),
/// <see cref="MessageRateLimits"/>, <see cref="RoomMembership"/> (join, resume, leave and disconnect, with the
/// <see cref="SessionSeat"/> it holds) and <see cref="ConnectionSender"/> (bounded send queue, slow-consumer policy).
/// </summary>
internal sealed partial class PlayerSession
{
    private readonly PlayerConnection _connection;
    private readonly EdgeOptions _options;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly MessageRateLimits _rateLimits;
    private readonly SessionSeat _seat = new();
    private readonly RoomMembership _membership;
    private bool _releaseSeatOnEnd;
    private string _endReason = "lost";

    public PlayerSession(
        PlayerConnection connection, string playerId, IGrainFactory grains, RoomLinks links, EdgeOptions options, EdgeMetrics metrics, ILogger logger,
        CodeGuessLimits.Gate? codeGuesses = null, bool deltaSnapshots = false)
    {
        _connection = connection;
        PlayerId = playerId;
        _rateLimits = new MessageRateLimits(options);
        _options = options;
        _metrics = metrics;
        _logger = logger;
        Sender = new ConnectionSender(connection, options, metrics, deltaSnapshots);
        _membership = new RoomMembership(this, _seat, grains, links, options, metrics, logger, codeGuesses);
    }

    /// <summary>Why the connection ended, for the closed-connections metric; "lost" until something else is known.</summary>
    public string EndReason => Sender.ClosedAsSlowConsumer ? "slow_consumer" : _endReason;

    /// <summary>The authenticated player (the token's subject).</summary>
    public string PlayerId { get; }

    /// <summary>When the client last sent a message, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long LastMessageAt => _connection.LastReceivedAt;

    /// <summary>The transport carrying this session (<see cref="PlayerConnection.Transport"/>).</summary>
    public string Transport => _connection.Transport;

    public ConnectionSender Sender { get; }

    public string? RoomId => _seat.RoomId;

    /// <summary>Reads frames until the client closes, the connection fails, or a protocol error closes it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_options.MaxMessageBytes);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var (kind, length) = await _connection.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                switch (kind)
                {
                    case FrameKind.Close:
                        _endReason = "client_closed";
                        // A 1000 close the client started means the player quit: free the seat now. Anything else
                        // (1001 page unload, errors, or the client answering our own close, e.g. a drain) keeps it
                        // for the reconnect grace window.
                        _releaseSeatOnEnd = _connection.ClientCloseCode == CloseCode.Normal && !Sender.CloseRequested;
                        Sender.RequestClose(WebSocketCloseStatus.NormalClosure, "bye");
                        await WaitAsync(Sender.CloseSent).ConfigureAwait(false);
                        return;
                    case FrameKind.TooBig:
                        _endReason = "message_too_big";
                        _metrics.ProtocolError(ErrorCode.MalformedMessage);
                        await CloseWithAsync(ErrorCode.MalformedMessage, WebSocketCloseStatus.MessageTooBig,
                            $"Message exceeds {_options.MaxMessageBytes} bytes.").ConfigureAwait(false);
                        return;
                    case FrameKind.Text:
                        _endReason = "text_frame";
                        _metrics.ProtocolError(ErrorCode.TextFrameNotSupported);
                        await CloseWithAsync(ErrorCode.TextFrameNotSupported, WebSocketCloseStatus.InvalidMessageType,
                            "Text frames are not supported; send binary MessagePack frames.").ConfigureAwait(false);
                        return;
                }
                if (!await HandleAsync(buffer.AsMemory(0, length)).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away without a close handshake; nothing to tell it.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _rateLimits.Dispose();
            if (_releaseSeatOnEnd)
            {
                await _membership.LeaveAsync(notify: false).ConfigureAwait(false);
            }
            else
            {
                await _membership.DisconnectAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The session's entity and seat generation, when it is in the room behind <paramref name="link"/>.</summary>
    public (int EntityId, int Generation)? SeatIn(RoomLink link) => _seat.SeatIn(link);

    /// <summary>
    /// Another connection of the player took the seat (a Join or a Resume there): this one is stale; close it with 4004
    /// and leave the seat alone.
    /// </summary>
    public void CloseForTakeover(RoomLink link)
    {
        if (!_membership.DropLink(link))
        {
            return;
        }
        _endReason = "taken_over";
        Sender.RequestClose((WebSocketCloseStatus)CloseCode.SessionTakenOver, "Your seat was taken over by another connection of the same player.");
    }

    /// <summary>Queues a snapshot of the room this session sits in, picked for its seat's view and entity.</summary>
    public void EnqueueSnapshot(SnapshotFrame frame)
    {
        var (view, entityId) = _seat.ForSnapshots;
        Sender.EnqueueSnapshot(frame, view, entityId);
    }

    /// <summary>A snapshot that came too late to send (a newer one went out): its events for this seat still go, after the newer one.</summary>
    public void EnqueueLateEvents(SnapshotFrame frame)
    {
        var (view, entityId) = _seat.ForSnapshots;
        if (frame.TryPick(view, entityId, out _, out _, out var events) && events is { Length: > 0 })
        {
            Sender.EnqueueLateEvents(events);
        }
    }

    /// <summary>
    /// The room closed under this player (e.g. shut down, or the game ended it with <paramref name="reason"/>); tell the
    /// client it is out.
    /// </summary>
    public void OnRoomClosed(RoomLink link, string? reason)
    {
        if (!_membership.DropLink(link))
        {
            return;
        }
        Sender.EnqueueControl(MessageCodec.Encode(reason is null ? new Left(link.RoomId, "room-closed") : new Left(link.RoomId, "room-ended", reason)));
    }

    /// <summary>The game removed this player from the room: close with 4005 and the game's reason (the room already freed the seat).</summary>
    public void CloseForKick(RoomLink link, string reason)
    {
        if (!_membership.DropLink(link))
        {
            return;
        }
        _endReason = "kicked";
        Sender.RequestClose((WebSocketCloseStatus)CloseCode.Kicked, reason);
    }

    /// <summary>The client has finished no message within the idle timeout: close with 4002.</summary>
    public void CloseForIdle()
    {
        _endReason = "idle_timeout";
        Sender.RequestClose((WebSocketCloseStatus)CloseCode.IdleTimeout, _connection.HasPartialMessage
            ? $"A message was started and not finished within {_options.IdleTimeoutSeconds} s."
            : $"No message for {_options.IdleTimeoutSeconds} s; send Ping when idle.");
    }

    /// <summary>The edge is draining (shutting down): close with 4003 so the client reconnects, to another edge, and resumes.</summary>
    public void CloseForDrain()
    {
        _endReason = "drain";
        Sender.RequestClose((WebSocketCloseStatus)CloseCode.Draining, "Edge draining: reconnect and resume.");
    }

    /// <summary>Handles one frame; false when the connection is being closed.</summary>
    private async Task<bool> HandleAsync(ReadOnlyMemory<byte> frame)
    {
        ClientMessage message;
        try
        {
            message = MessageCodec.DecodeClient(frame);
            if (message is KeyframeRequest && !Sender.DeltaSnapshots)
            {
                throw new ProtocolException(ErrorCode.UnknownMessageType,
                    $"KeyframeRequest (message type {MessageType.KeyframeRequest}) is part of {ProtocolVersion.SubProtocolV2}; this connection speaks {ProtocolVersion.SubProtocol}.");
            }
        }
        catch (ProtocolException ex)
        {
            var status = ex.ErrorCode == ErrorCode.UnknownMessageType ? WebSocketCloseStatus.PolicyViolation : WebSocketCloseStatus.InvalidPayloadData;
            Log.ProtocolError(_logger, PlayerId, ex.ErrorCode, ex.Message);
            _endReason = "protocol_error";
            _metrics.ProtocolError(ex.ErrorCode);
            await CloseWithAsync(ex.ErrorCode, status, ex.Message).ConfigureAwait(false);
            return false;
        }

        if (message is Input input)
        {
            if (!_rateLimits.TryInput())
            {
                _metrics.InputDropped("rate_limited");
                return await StrikeAsync().ConfigureAwait(false);
            }
            OnInput(input);
            return true;
        }
        if (!_rateLimits.TryControl())
        {
            SendError(ErrorCode.RateLimited, $"Too many join, leave and ping messages (limit {_options.ControlMessagesPerSecond}/s); this one was dropped.");
            return await StrikeAsync().ConfigureAwait(false);
        }
        switch (message)
        {
            case KeyframeRequest:
                Sender.RequestKeyframe();
                break;
            case Ping ping:
                Sender.EnqueueControl(MessageCodec.Encode(new Pong(ping.ClientTimeMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
                break;
            case Join join:
                await _membership.JoinAsync(join).ConfigureAwait(false);
                break;
            case Resume resume:
                await _membership.ResumeAsync(resume).ConfigureAwait(false);
                break;
            case Create create:
                await _membership.CreateAsync(create).ConfigureAwait(false);
                break;
            case JoinByCode byCode:
                await _membership.JoinByCodeAsync(byCode).ConfigureAwait(false);
                break;
            case Leave:
                var roomId = RoomId;
                if (roomId is null)
                {
                    SendError(ErrorCode.NotInRoom, "Leave sent while not in a room.");
                }
                else
                {
                    await _membership.LeaveAsync(notify: true).ConfigureAwait(false);
                }
                break;
        }
        return true;
    }

    /// <summary>Counts a refused message against the connection; closes it with 1008 once the strikes are used up.</summary>
    private async Task<bool> StrikeAsync()
    {
        _metrics.ProtocolError(ErrorCode.RateLimited);
        if (_rateLimits.TryStrike())
        {
            return true;
        }
        _endReason = "rate_limited";
        Log.RateLimited(_logger, PlayerId);
        await CloseWithAsync(ErrorCode.RateLimited, WebSocketCloseStatus.PolicyViolation,
            $"Sent too fast for too long (inputs limit {_options.InputsPerSecond}/s, control {_options.ControlMessagesPerSecond}/s).").ConfigureAwait(false);
        return false;
    }

    private void OnInput(Input input)
    {
        _metrics.InputReceived();
        var (link, entityId, generation) = _seat.ForInput();
        if (link is null)
        {
            _metrics.InputDropped("not_in_room");
            SendError(ErrorCode.NotInRoom, $"Input {input.Seq} sent while not in a room; join first.");
            return;
        }
        // The decoder already copied the payload out of the receive buffer; reuse that array rather than copy again.
        var payload = MemoryMarshal.TryGetArray(input.Payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : input.Payload.ToArray();
        link.BufferInput(new PlayerInput(entityId, input.Seq, input.ClientTick, payload, generation));
    }

    private void SendError(int code, string message) => Sender.EnqueueControl(MessageCodec.Encode(new Error(code, message)));

    private async Task CloseWithAsync(int errorCode, WebSocketCloseStatus status, string reason)
    {
        SendError(errorCode, reason);
        // Close reasons are limited to 123 bytes by RFC 6455.
        Sender.RequestClose(status, reason.Length > 120 ? reason[..120] : reason);
        await WaitAsync(Sender.CloseSent).ConfigureAwait(false);
        // Give the client a moment to answer the close; the socket is aborted when the request ends anyway.
        using var cts = new CancellationTokenSource(_options.CloseTimeoutMs);
        await _connection.WaitForClientCloseAsync(cts.Token).ConfigureAwait(false);
    }

    private async Task WaitAsync(Task task) =>
        await Task.WhenAny(task, Task.Delay(_options.CloseTimeoutMs)).ConfigureAwait(false);

    private static partial class Log
    {
        [LoggerMessage(11, LogLevel.Information, "Player {PlayerId} sent a bad frame (error {ErrorCode}): {Reason}")]
        public static partial void ProtocolError(ILogger logger, string playerId, int errorCode, string reason);

        // Event ids 10, 12 and 13 (joined, join failed, leave failed) are logged by RoomMembership, with this logger.

        [LoggerMessage(14, LogLevel.Information, "Closed player {PlayerId}'s connection for exceeding its rate limits")]
        public static partial void RateLimited(ILogger logger, string playerId);
    }
}
