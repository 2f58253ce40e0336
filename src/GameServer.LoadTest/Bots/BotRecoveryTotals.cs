namespace GameServer.LoadTest.Bots;

/// <summary>One bot's recovery figures at the end of the run (see <see cref="BotRecovery.Finish"/>).</summary>
/// <param name="Drops">Connections lost while in a room.</param>
/// <param name="Reconnects">Of those, the ones after which the connection came back.</param>
/// <param name="Resumes">Of those, the ones that got the seat back.</param>
/// <param name="ResumeFailures">Resumes refused (or answered with a new seat instead of the old one).</param>
/// <param name="RoomRestores">Snapshots whose tick went backwards: the room was restored from a checkpoint.</param>
/// <param name="MaxSnapshotGapMs">The longest wall-clock gap between two snapshots, a gap still open at the end included.</param>
/// <param name="SnapshotGapsOver1s">Gaps between snapshots longer than 1 s.</param>
/// <param name="InRoomAtEnd">Seated, connected and receiving snapshots (the last at most 2 s old) at the end.</param>
/// <param name="SnapshotsOutOfOrder">Snapshots late or repeated rather than a restore (see <see cref="Results.RecoverySummary.SnapshotsOutOfOrder"/>).</param>
internal readonly record struct BotRecoveryTotals(
    long Drops,
    long Reconnects,
    long Resumes,
    long ResumeFailures,
    long RoomRestores,
    double MaxSnapshotGapMs,
    long SnapshotGapsOver1s,
    bool InRoomAtEnd,
    long SnapshotsOutOfOrder = 0)
{
    /// <summary>Dropped at least once, and every drop ended with the seat back.</summary>
    public bool ResumedEveryDrop => Drops > 0 && Resumes >= Drops;
}
