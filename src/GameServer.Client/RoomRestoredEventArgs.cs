namespace GameServer.Client;

/// <summary>
/// Raised when a snapshot's tick is not greater than the previous one's: the room was restored from a checkpoint
/// (after a server failure), so its state went back up to about a second. Drop interpolation buffers and predictions
/// newer than <see cref="FirstTickAfter"/>. Inputs the room had processed after the checkpoint are lost with it: those
/// numbered above <see cref="AckedSeqAfter"/> up to <see cref="AckedSeqBefore"/>; <see cref="GameClient.LastAckedSeq"/>
/// goes back to <see cref="AckedSeqAfter"/>, and later inputs are numbered on as before.
/// </summary>
public sealed class RoomRestoredEventArgs : EventArgs
{
    internal RoomRestoredEventArgs(long lastTickBefore, long firstTickAfter, uint ackedSeqBefore, uint ackedSeqAfter)
    {
        LastTickBefore = lastTickBefore;
        FirstTickAfter = firstTickAfter;
        AckedSeqBefore = ackedSeqBefore;
        AckedSeqAfter = ackedSeqAfter;
    }

    /// <summary>This player's last acknowledged input before the restore.</summary>
    public uint AckedSeqBefore { get; }

    /// <summary>This player's last input the restored room has processed: the checkpoint's (at most <see cref="AckedSeqBefore"/>).</summary>
    public uint AckedSeqAfter { get; }

    /// <summary>How many of this player's inputs were processed and then lost with the room's state.</summary>
    public uint InputsLost => AckedSeqBefore - AckedSeqAfter;

    /// <summary>The newest tick seen before the restore.</summary>
    public long LastTickBefore { get; }

    /// <summary>The first tick after it (less than or equal to <see cref="LastTickBefore"/>).</summary>
    public long FirstTickAfter { get; }
}
