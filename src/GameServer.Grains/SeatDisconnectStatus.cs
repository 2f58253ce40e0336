namespace GameServer.Grains;

internal enum SeatDisconnectStatus
{
    /// <summary>Stale: the seat is gone, already waiting, or held by a newer connection.</summary>
    Ignored,
    /// <summary>No grace window: release the seat now.</summary>
    Release,
    /// <summary>Kept for the grace window, waiting for a resume.</summary>
    Held,
}
