namespace GameServer.Client;

/// <summary>
/// Raised when a snapshot's tick is not greater than the previous one's: the room was restored from a checkpoint
/// (after a server failure), so its state went back up to about a second. Drop interpolation buffers and predictions
/// newer than <see cref="FirstTickAfter"/>. Inputs the room had processed after the checkpoint are lost with it: those
/// numbered above <see cref="AckedSeqAtCheckpoint"/> up to <see cref="AckedSeqBefore"/>. The input counter does not go
/// back; later inputs are numbered on as before.
/// </summary>
public sealed class RoomRestoredEventArgs : EventArgs
{
    internal RoomRestoredEventArgs(long lastTickBefore, long firstTickAfter, uint ackedSeqBefore, uint? ackedSeqAtCheckpoint)
    {
        LastTickBefore = lastTickBefore;
        FirstTickAfter = firstTickAfter;
        AckedSeqBefore = ackedSeqBefore;
        AckedSeqAtCheckpoint = ackedSeqAtCheckpoint;
    }

    /// <summary>This player's last acknowledged input before the restore.</summary>
    public uint AckedSeqBefore { get; }

    /// <summary>
    /// This player's last input the checkpoint had processed: the ack of the last snapshot seen at or before the
    /// checkpoint's tick (<see cref="FirstTickAfter"/> − 1). Null when the client saw no snapshot that old (it joined
    /// or resumed after the checkpoint, or the checkpoint is older than the last 256 snapshots).
    /// </summary>
    public uint? AckedSeqAtCheckpoint { get; }

    /// <summary>How many of this player's acknowledged inputs the restore undid; null when <see cref="AckedSeqAtCheckpoint"/> is.</summary>
    public uint? InputsLost => AckedSeqAtCheckpoint is { } atCheckpoint ? AckedSeqBefore - Math.Min(atCheckpoint, AckedSeqBefore) : null;

    /// <summary>The newest tick seen before the restore.</summary>
    public long LastTickBefore { get; }

    /// <summary>The first tick after it (less than or equal to <see cref="LastTickBefore"/>).</summary>
    public long FirstTickAfter { get; }
}
