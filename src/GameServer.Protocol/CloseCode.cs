namespace GameServer.Protocol;

/// <summary>WebSocket close status codes the server uses (RFC 6455 plus the 4000–4999 application range).</summary>
public static class CloseCode
{
    public const int Normal = 1000;
    /// <summary>The server is shutting down.</summary>
    public const int GoingAway = 1001;
    /// <summary>Text frames are not accepted.</summary>
    public const int UnsupportedData = 1003;
    /// <summary>The frame was not valid MessagePack for this protocol.</summary>
    public const int InvalidPayload = 1007;
    /// <summary>The frame broke the protocol (e.g. unknown message type), or the client kept sending over its rate limit.</summary>
    public const int PolicyViolation = 1008;
    /// <summary>The frame exceeded the maximum message size.</summary>
    public const int MessageTooBig = 1009;
    public const int InternalError = 1011;
    /// <summary>The client did not read its snapshots fast enough and fell too far behind.</summary>
    public const int SlowConsumer = 4001;
    /// <summary>The client sent nothing for longer than the edge's idle timeout.</summary>
    public const int IdleTimeout = 4002;
    /// <summary>
    /// The edge is draining (deploy, scale-in): reconnect, to any edge, and send <see cref="Resume"/>. The seat is kept
    /// for the room's grace window. Clients should reconnect at once (with jitter), not after a backoff.
    /// </summary>
    public const int Draining = 4003;
    /// <summary>
    /// Another connection of the same player took this seat over (a Join or a Resume there, e.g. from a second device or
    /// tab); do not reconnect, or the two connections would take the seat from each other in turn.
    /// </summary>
    public const int SessionTakenOver = 4004;

    /// <summary>The game removed the player from its room (the close reason is the game's); do not reconnect to that seat.</summary>
    public const int Kicked = 4005;

    /// <summary>Standard "try again later": the edge refused the connection for load (fallback transport only; a WebSocket is refused with HTTP 503/429 instead).</summary>
    public const int TryAgainLater = 1013;

    /// <summary>True for closes after which a client should reconnect and resume: drops, drains, restarts, overload.</summary>
    public static bool ShouldReconnect(int? code) => code switch
    {
        null => true, // no close frame: the connection was lost
        GoingAway or InternalError or 1006 or 1012 or TryAgainLater or SlowConsumer or IdleTimeout or Draining => true,
        _ => false,
    };
}
