namespace GameServer.Protocol;

/// <summary>Numeric codes carried by <see cref="Error"/>. Never renumbered.</summary>
public static class ErrorCode
{
    /// <summary>The frame is not valid MessagePack or not a <c>[type, body]</c> array; the connection is closed with 1007.</summary>
    public const int MalformedMessage = 1;
    /// <summary>The frame's type code is unknown or not one a client may send; closed with 1008.</summary>
    public const int UnknownMessageType = 2;
    /// <summary>Input or leave sent while not in a room.</summary>
    public const int NotInRoom = 3;
    /// <summary>Join sent while already in a room.</summary>
    public const int AlreadyInRoom = 4;
    /// <summary>The requested room is at capacity.</summary>
    public const int RoomFull = 5;
    /// <summary>No game is registered for the requested room type.</summary>
    public const int UnknownRoomType = 6;
    /// <summary>A join named neither a room type nor a room id, or a malformed one.</summary>
    public const int InvalidJoin = 7;
    /// <summary>The server failed to handle the request; try again.</summary>
    public const int InternalError = 9;
    /// <summary>A text frame was sent; the protocol is binary only. Closed with 1003.</summary>
    public const int TextFrameNotSupported = 10;
    /// <summary>The message was over the connection's rate limit and was dropped; sustained abuse closes with 1008.</summary>
    public const int RateLimited = 11;
    /// <summary>Joining a room by id is not allowed on this server; matchmake by room type.</summary>
    public const int JoinByIdNotAllowed = 12;
    /// <summary>The room's reconnect grace window passed (or the room closed): the seat is gone; join afresh.</summary>
    public const int ResumeExpired = 13;
    /// <summary>The resume token is not valid for this player and room (wrong, replaced by a later resume, or malformed).</summary>
    public const int ResumeRejected = 14;
    /// <summary>No open room has the code sent with JoinByCode (mistyped, or the room closed).</summary>
    public const int RoomCodeUnknown = 15;
    /// <summary>Too many wrong room codes from this connection or address; wait before trying again.</summary>
    public const int TooManyCodeGuesses = 16;

    /// <summary>The game refused the join (e.g. a full team, a game in progress); the message is the game's reason.</summary>
    public const int JoinRefused = 17;

    /// <summary>The constant's name for a code (e.g. 5 → "RoomFull"), or the number itself for a code this version does not know.</summary>
    public static string Name(int code) => code switch
    {
        MalformedMessage => nameof(MalformedMessage),
        UnknownMessageType => nameof(UnknownMessageType),
        NotInRoom => nameof(NotInRoom),
        AlreadyInRoom => nameof(AlreadyInRoom),
        RoomFull => nameof(RoomFull),
        UnknownRoomType => nameof(UnknownRoomType),
        InvalidJoin => nameof(InvalidJoin),
        InternalError => nameof(InternalError),
        TextFrameNotSupported => nameof(TextFrameNotSupported),
        RateLimited => nameof(RateLimited),
        JoinByIdNotAllowed => nameof(JoinByIdNotAllowed),
        ResumeExpired => nameof(ResumeExpired),
        ResumeRejected => nameof(ResumeRejected),
        RoomCodeUnknown => nameof(RoomCodeUnknown),
        TooManyCodeGuesses => nameof(TooManyCodeGuesses),
        JoinRefused => nameof(JoinRefused),
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
