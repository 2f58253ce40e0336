namespace GameServer.UnityClient
{
    /// <summary>The <c>code</c> of an <c>Error</c> message (docs/protocol.md §9). Treat codes not listed here as a failure of the last request.</summary>
    public static class ErrorCodes
    {
        /// <summary>The message was not valid for the protocol; the server closes with 1007.</summary>
        public const int MalformedMessage = 1;
        /// <summary>A type a client may not send; the server closes with 1008.</summary>
        public const int UnknownMessageType = 2;
        /// <summary>Input or Leave while not in a room.</summary>
        public const int NotInRoom = 3;
        /// <summary>Join or Resume while in a room.</summary>
        public const int AlreadyInRoom = 4;
        public const int RoomFull = 5;
        public const int UnknownRoomType = 6;
        public const int InvalidJoin = 7;
        /// <summary>The server failed to handle the request; try again.</summary>
        public const int InternalError = 9;
        public const int TextFrameNotSupported = 10;
        /// <summary>A Join, Leave or Ping over the connection's control rate was dropped.</summary>
        public const int RateLimited = 11;
        public const int JoinByIdNotAllowed = 12;
        /// <summary>Resume for a seat that no longer exists (grace window passed, room closed): join afresh.</summary>
        public const int ResumeExpired = 13;
        /// <summary>Resume with a token that is not this player's current one for that room: join afresh.</summary>
        public const int ResumeRejected = 14;
    }
}
