namespace GameServer.Client;

/// <summary>
/// Raised when a snapshot's tick is not greater than the previous one's: the room was restored from a checkpoint
/// (after a server failure), so its state went back up to about a second. Drop interpolation buffers and predictions
/// newer than <see cref="FirstTickAfter"/>; inputs the room had processed after the checkpoint are lost.
/// </summary>
public sealed class RoomRestoredEventArgs : EventArgs
{
    internal RoomRestoredEventArgs(long lastTickBefore, long firstTickAfter)
    {
        LastTickBefore = lastTickBefore;
        FirstTickAfter = firstTickAfter;
    }

    /// <summary>The newest tick seen before the restore.</summary>
    public long LastTickBefore { get; }

    /// <summary>The first tick after it (less than or equal to <see cref="LastTickBefore"/>).</summary>
    public long FirstTickAfter { get; }
}
