namespace GameServer.Grains;

internal enum SeatResumeStatus
{
    /// <summary>The player has no seat here: released, or never seated.</summary>
    NoSeat,
    /// <summary>The token is not the seat's current one (wrong, or replaced by a later join or resume).</summary>
    WrongToken,
    Resumed,
}
