using GameServer.Abstractions;
using GameServer.Protocol;
using Microsoft.Extensions.Logging;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.Edge;

/// <summary>
/// A connection's place in a room: joining (matched by room type, or by id), resuming a seat, leaving and
/// disconnecting, each a call to the room's grain, and the seat it then holds (<see cref="SessionSeat"/>). Tells the
/// client the outcome (<c>Welcome</c>, <c>Error</c>, <c>Left</c>) and attaches the session to the room's link so that
/// snapshots flow.
/// </summary>
internal sealed partial class RoomMembership
{
    private const int MatchmakingAttempts = 4;

    private readonly PlayerSession _session;
    private readonly SessionSeat _seat;
    private readonly IGrainFactory _grains;
    private readonly RoomLinks _links;
    private readonly EdgeOptions _options;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CodeGuessLimits.Gate? _codeGuesses;

    public RoomMembership(
        PlayerSession session, SessionSeat seat, IGrainFactory grains, RoomLinks links, EdgeOptions options, EdgeMetrics metrics, ILogger logger,
        CodeGuessLimits.Gate? codeGuesses)
    {
        _codeGuesses = codeGuesses; // null only for a session tested on its own, without an endpoint
        _session = session;
        _seat = seat;
        _grains = grains;
        _links = links;
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    private string PlayerId => _session.PlayerId;

    private ConnectionSender Sender => _session.Sender;

    /// <summary>
    /// Stops following <paramref name="link"/>'s room (it closed, or the seat was resumed elsewhere) unless the session
    /// has moved on from it already; false then.
    /// </summary>
    public bool DropLink(RoomLink link)
    {
        if (!_seat.TryDetach(link))
        {
            return false;
        }
        _links.Detach(link, _session);
        return true;
    }

    public async Task JoinAsync(Join join)
    {
        if (RoomRequestChecks.CheckJoin(join, _seat.RoomId, _options.AllowJoinByRoomId) is { } refused)
        {
            SendError(refused.Code, refused.Message);
            return;
        }
        var byType = join.RoomType is not null;
        var roomType = join.RoomType ?? RoomIds.TypeOf(join.RoomId!)!;
        try
        {
            if (byType)
            {
                await MatchmakeAsync(roomType, join.Properties, OptionsOf(join.Options)).ConfigureAwait(false);
            }
            else
            {
                var joined = await _grains.GetGrain<IRoomGrain>(join.RoomId!).Join(PlayerId, OptionsOf(join.Options)).ConfigureAwait(false);
                await AnswerJoinAsync(roomType, joined).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Log.JoinFailed(_logger, ex, PlayerId);
            SendError(ErrorCode.InternalError, "Joining failed on the server; try again.");
        }
    }

    /// <summary>Opens a new room, public or private (with a code for friends), and seats the player in it.</summary>
    public async Task CreateAsync(Create create)
    {
        if (RoomRequestChecks.CheckCreate(create, _seat.RoomId) is { } refused)
        {
            SendError(refused.Code, refused.Message);
            return;
        }
        try
        {
            var ticket = await _grains.GetGrain<IMatchmakerGrain>(create.RoomType)
                .CreateRoom(PlayerId, create.Private, ToDictionary(create.Properties)).ConfigureAwait(false);
            if (RefuseTicket(create.RoomType, ticket))
            {
                return;
            }
            var result = await _grains.GetGrain<IRoomGrain>(ticket.RoomId!).Open(PlayerId, ticket.Options!, OptionsOf(create.Options)).ConfigureAwait(false);
            await AnswerJoinAsync(create.RoomType, result).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.JoinFailed(_logger, ex, PlayerId);
            SendError(ErrorCode.InternalError, "Creating the room failed on the server; try again.");
        }
    }

    /// <summary>Seats the player in the private (or public) room a friend's code leads to.</summary>
    public async Task JoinByCodeAsync(JoinByCode byCode)
    {
        if (RoomRequestChecks.CheckJoinByCode(byCode, _seat.RoomId) is { } refused)
        {
            SendError(refused.Code, refused.Message);
            return;
        }
        if (_codeGuesses is not null && !_codeGuesses.TryAttempt())
        {
            _metrics.CodeJoin("limited");
            SendError(ErrorCode.TooManyCodeGuesses,
                $"Too many room codes tried (limit {_options.CodeAttemptsPerMinute} a minute per connection, {_options.CodeAttemptsPerMinutePerIp} per address); wait a minute.");
            return;
        }
        var code = RoomCodes.Normalize(byCode.Code);
        if (code is null)
        {
            _metrics.CodeJoin("unknown");
            SendError(ErrorCode.RoomCodeUnknown, $"A room code is {RoomCodes.Length} characters from {RoomCodes.Alphabet}; check the code and try again.");
            return;
        }
        try
        {
            var roomId = await _grains.GetGrain<IRoomCodeGrain>(code).Resolve().ConfigureAwait(false);
            var result = roomId is null ? null : await _grains.GetGrain<IRoomGrain>(roomId).JoinByCode(PlayerId, code, OptionsOf(byCode.Options)).ConfigureAwait(false);
            if (result is null or { Status: JoinStatus.CodeUnknown })
            {
                _metrics.CodeJoin("unknown");
                SendError(ErrorCode.RoomCodeUnknown, $"No open room has code {code}; check it with your friend (codes end with their room).");
                return;
            }
            _metrics.CodeJoin(result.Status == JoinStatus.Joined ? "joined" : "full");
            await AnswerJoinAsync(RoomIds.TypeOf(roomId!)!, result).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.JoinFailed(_logger, ex, PlayerId);
            SendError(ErrorCode.InternalError, "Joining by code failed on the server; try again.");
        }
    }

    /// <summary>Sends the error for a ticket the matchmaker refused; false for a ticket to use.</summary>
    private bool RefuseTicket(string roomType, RoomTicket ticket)
    {
        switch (ticket.Status)
        {
            case TicketStatus.Ok:
                return false;
            case TicketStatus.InvalidProperties:
                SendError(ErrorCode.InvalidJoin, ticket.Problem ?? "The properties are not ones this room type allows.");
                return true;
            case TicketStatus.NoCodeAvailable:
                SendError(ErrorCode.InternalError, "No free room code was found; try again.");
                return true;
            default:
                SendError(ErrorCode.UnknownRoomType, $"No game is registered for room type '{roomType}'.");
                return true;
        }
    }

    /// <summary>Seats the player on success, or sends the error a refused join gets.</summary>
    private async Task AnswerJoinAsync(string roomType, JoinResult result)
    {
        switch (result.Status)
        {
            case JoinStatus.Joined:
                await TakeSeatAsync(result).ConfigureAwait(false);
                return;
            case JoinStatus.RoomFull:
                SendError(ErrorCode.RoomFull, $"Room {result.RoomId} is full.");
                return;
            case JoinStatus.Refused:
                SendError(ErrorCode.JoinRefused, result.Reason ?? "The game refused the join.");
                return;
            default:
                SendError(ErrorCode.UnknownRoomType, $"No game is registered for room type '{roomType}'.");
                return;
        }
    }

    private static byte[]? OptionsOf(ReadOnlyMemory<byte> options) => options.IsEmpty ? null : options.ToArray();

    private static Dictionary<string, string>? ToDictionary(IReadOnlyDictionary<string, string>? map) =>
        map is null ? null : new Dictionary<string, string>(map, StringComparer.Ordinal);

    public async Task ResumeAsync(Resume resume)
    {
        if (RoomRequestChecks.CheckResume(resume, _seat.RoomId) is { } refused)
        {
            SendError(refused.Code, refused.Message);
            return;
        }
        JoinResult result;
        try
        {
            result = await _grains.GetGrain<IRoomGrain>(resume.RoomId).Resume(PlayerId, resume.ResumeToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.JoinFailed(_logger, ex, PlayerId);
            SendError(ErrorCode.InternalError, "Resuming failed on the server; try again.");
            return;
        }
        switch (result.Status)
        {
            case JoinStatus.Joined:
                _metrics.Resumed("resumed");
                await TakeSeatAsync(result).ConfigureAwait(false);
                return;
            case JoinStatus.ResumeRejected:
                _metrics.Resumed("rejected");
                SendError(ErrorCode.ResumeRejected, $"The resume token is not valid for you in room {resume.RoomId}; join afresh.");
                return;
            default:
                _metrics.Resumed("expired");
                SendError(ErrorCode.ResumeExpired, $"Your seat in room {resume.RoomId} was released (the reconnect grace window passed or the room closed); join afresh.");
                return;
        }
    }

    /// <summary>Tells the client where it sits and starts forwarding the room's snapshots to it.</summary>
    private async Task TakeSeatAsync(JoinResult result)
    {
        var tickInterval = TimeSpan.FromSeconds(1.0 / result.TickRateHz);
        // A seat starts from a full snapshot, even back in a room this connection left a moment ago.
        Sender.RequestKeyframe();
        // Welcome goes out before the link is attached, so it precedes the first snapshot.
        Sender.EnqueueControl(MessageCodec.Encode(new Welcome(
            PlayerId, result.RoomId, result.RoomType, result.EntityId, result.TickRateHz, result.SnapshotEveryTicks,
            result.CurrentTick, result.ResumeToken, result.MaxPlayers, result.Resumed, (int)Math.Ceiling(result.ReconnectGraceSeconds),
            result.Options?.Code, result.Options?.Properties is { Count: > 0 } properties ? properties : null, result.Role, result.View)));
        RoomLink link;
        try
        {
            _seat.Seat(result.EntityId, result.Generation, result.View);
            link = await _links.AttachAsync(result.RoomId, tickInterval, result.SnapshotEveryTicks, _session).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Without a subscription the player would sit in the room unseen; take the seat back.
            Log.JoinFailed(_logger, ex, PlayerId);
            await _grains.GetGrain<IRoomGrain>(result.RoomId).Leave(result.EntityId).ConfigureAwait(false);
            SendError(ErrorCode.InternalError, "Subscribing to the room failed; try again.");
            return;
        }
        _seat.Attach(link);
        // Tells the room this edge now listens for the seat: the game's events for the player, held since the seat
        // was taken (a welcome, the ticks until now), go out with the next snapshot.
        await link.ResubscribeAsync().ConfigureAwait(false);
        Log.Joined(_logger, PlayerId, result.RoomId, result.EntityId);
    }

    /// <summary>Join-or-create by room type and criteria; a room that turned out full sends the player back to the matchmaker.</summary>
    private async Task MatchmakeAsync(string roomType, IReadOnlyDictionary<string, string>? criteria, byte[]? joinOptions)
    {
        var matchmaker = _grains.GetGrain<IMatchmakerGrain>(roomType);
        var wanted = ToDictionary(criteria);
        JoinResult? result = null;
        for (var attempt = 0; attempt < MatchmakingAttempts; attempt++)
        {
            var ticket = await matchmaker.FindRoom(PlayerId, wanted).ConfigureAwait(false);
            if (RefuseTicket(roomType, ticket))
            {
                return;
            }
            result = await _grains.GetGrain<IRoomGrain>(ticket.RoomId!).Open(PlayerId, ticket.Options!, joinOptions).ConfigureAwait(false);
            if (result.Status != JoinStatus.RoomFull)
            {
                break;
            }
        }
        await AnswerJoinAsync(roomType, result!).ConfigureAwait(false);
    }

    /// <summary>The connection ended without a goodbye: the room keeps the seat for the grace window.</summary>
    public async Task DisconnectAsync()
    {
        if (_seat.Detach() is not { } held)
        {
            return;
        }
        var (link, entityId, generation) = held;
        _links.Detach(link, _session);
        try
        {
            await link.Room.Disconnect(entityId, generation).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The room will notice anyway: nobody renews the seat any more.
            Log.LeaveFailed(_logger, ex, PlayerId, link.RoomId);
        }
    }

    /// <summary>The player leaves: the seat is freed now; <paramref name="notify"/> tells the client it is out.</summary>
    public async Task LeaveAsync(bool notify)
    {
        if (_seat.Detach() is not { } held)
        {
            return;
        }
        var (link, entityId, _) = held;
        _links.Detach(link, _session);
        try
        {
            await link.Room.Leave(entityId).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.LeaveFailed(_logger, ex, PlayerId, link.RoomId);
        }
        if (notify)
        {
            Sender.EnqueueControl(MessageCodec.Encode(new Left(link.RoomId, "left")));
        }
    }

    private void SendError(int code, string message) => Sender.EnqueueControl(MessageCodec.Encode(new Error(code, message)));

    private static partial class Log
    {
        // The session's logger and event ids, as before the session was split.
        [LoggerMessage(10, LogLevel.Information, "Player {PlayerId} joined room {RoomId} as entity {EntityId}")]
        public static partial void Joined(ILogger logger, string playerId, string roomId, int entityId);

        [LoggerMessage(12, LogLevel.Warning, "Join for player {PlayerId} failed")]
        public static partial void JoinFailed(ILogger logger, Exception ex, string playerId);

        [LoggerMessage(13, LogLevel.Warning, "Leave for player {PlayerId} from room {RoomId} failed")]
        public static partial void LeaveFailed(ILogger logger, Exception ex, string playerId, string roomId);
    }
}
