using GameServer.Abstractions;
using GameServer.Protocol;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.Edge;

/// <summary>
/// Checks a client's Join or Resume before any grain is called: the error to send back, saying what to do instead,
/// or null when the request may go ahead.
/// </summary>
internal static class RoomRequestChecks
{
    public static RequestError? CheckJoin(Join join, string? currentRoomId, bool allowJoinByRoomId)
    {
        ArgumentNullException.ThrowIfNull(join);
        if (currentRoomId is not null)
        {
            return new(ErrorCode.AlreadyInRoom, $"Already in room {currentRoomId}; leave it first.");
        }
        var byType = join.RoomType is not null;
        if (byType == (join.RoomId is not null))
        {
            return new(ErrorCode.InvalidJoin, "Join needs exactly one of roomType (field 0) or roomId (field 1).");
        }
        if (!byType && !allowJoinByRoomId)
        {
            return new(ErrorCode.JoinByIdNotAllowed, "Joining a room by id is not allowed on this server; join by room type to be matched into a room.");
        }
        if (byType ? !RoomIds.IsValidRoomType(join.RoomType) : !RoomIds.IsValidRoomId(join.RoomId))
        {
            return new(ErrorCode.InvalidJoin, byType
                ? "roomType must be 1-32 letters, digits, '-' or '_'."
                : "roomId must look like '<roomType>:<id>' with letters, digits, '-' or '_'.");
        }
        return null;
    }

    public static RequestError? CheckResume(Resume resume, string? currentRoomId)
    {
        ArgumentNullException.ThrowIfNull(resume);
        if (currentRoomId is not null)
        {
            return new(ErrorCode.AlreadyInRoom, $"Already in room {currentRoomId}; resume is for a new connection.");
        }
        // Tokens are 22 characters; anything much longer is not one and is not worth a grain call.
        if (!RoomIds.IsValidRoomId(resume.RoomId) || string.IsNullOrEmpty(resume.ResumeToken) || resume.ResumeToken.Length > 64)
        {
            return new(ErrorCode.ResumeRejected, "Resume needs the roomId (field 0) and resumeToken (field 1) from the last Welcome.");
        }
        return null;
    }
}
