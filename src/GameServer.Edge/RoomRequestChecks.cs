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
        if (join.Properties is not null && !byType)
        {
            return new(ErrorCode.InvalidJoin, "properties (field 2) are matchmaking criteria: send them with a roomType, not a roomId.");
        }
        return CheckProperties(join.Properties, "field 2") ?? CheckOptions(join.Options, "field 3");
    }

    public static RequestError? CheckCreate(Create create, string? currentRoomId)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (currentRoomId is not null)
        {
            return new(ErrorCode.AlreadyInRoom, $"Already in room {currentRoomId}; leave it first.");
        }
        if (!RoomIds.IsValidRoomType(create.RoomType))
        {
            return new(ErrorCode.InvalidJoin, "Create needs roomType (field 0): 1-32 letters, digits, '-' or '_'.");
        }
        return CheckProperties(create.Properties, "field 2") ?? CheckOptions(create.Options, "field 3");
    }

    public static RequestError? CheckJoinByCode(JoinByCode byCode, string? currentRoomId)
    {
        ArgumentNullException.ThrowIfNull(byCode);
        return currentRoomId is null ? CheckOptions(byCode.Options, "field 1") : new(ErrorCode.AlreadyInRoom, $"Already in room {currentRoomId}; leave it first.");
    }

    /// <summary>Join options are the game's to read; the edge only bounds their size (the codec already checked they are one value).</summary>
    private static RequestError? CheckOptions(ReadOnlyMemory<byte> options, string field) =>
        options.Length > JoinOptions.MaxBytes
            ? new(ErrorCode.InvalidJoin, $"options ({field}) are {options.Length} bytes; at most {JoinOptions.MaxBytes} are allowed.")
            : null;

    /// <summary>Property names as room types spell them, values 1-64 characters; the room type's own rules are the matchmaker's.</summary>
    private static RequestError? CheckProperties(IReadOnlyDictionary<string, string>? properties, string field)
    {
        foreach (var (name, value) in properties ?? new Dictionary<string, string>())
        {
            if (!RoomIds.IsValidRoomType(name))
            {
                return new(ErrorCode.InvalidJoin, $"Property names ({field}) must be 1-32 letters, digits, '-' or '_'; got '{Shorten(name)}'.");
            }
            if (value.Length is 0 or > 64)
            {
                return new(ErrorCode.InvalidJoin, $"Property '{name}' ({field}) needs a value of 1-64 characters.");
            }
        }
        return null;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

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
