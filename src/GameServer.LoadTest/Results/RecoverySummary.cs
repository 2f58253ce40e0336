namespace GameServer.LoadTest.Results;

/// <summary>
/// How the players came through failures, over the whole run (ramp and warm-up included): connections dropped and
/// resumed, gaps between snapshots (a silo's rooms moving), rooms restored from a checkpoint. All zero, and
/// <see cref="BotsResumedPercent"/> 100, in a run without failures.
/// </summary>
public sealed record RecoverySummary
{
    /// <summary>Players whose connection dropped at least once while in a room.</summary>
    public required int BotsDropped { get; init; }

    /// <summary>Connections lost while in a room (a player can drop several times).</summary>
    public required long Drops { get; init; }

    /// <summary>Drops after which the connection came back (to any edge).</summary>
    public required long Reconnects { get; init; }

    /// <summary>Drops after which the seat came back: same room, same entity.</summary>
    public required long Resumes { get; init; }

    /// <summary>Resumes the server refused (the seat was released), or answered with a new seat: errors.</summary>
    public required long ResumeFailures { get; init; }

    /// <summary>Players that dropped and got their seat back after every drop ÷ players that dropped, in %; 100 when none dropped.</summary>
    public required double BotsResumedPercent { get; init; }

    /// <summary>Drop to resumed Welcome, per resumed drop.</summary>
    public required OutageStats OutageMs { get; init; }

    /// <summary>The longest wall-clock gap between two snapshots at one player, a gap still open at the end included.</summary>
    public required double MaxSnapshotGapMs { get; init; }

    /// <summary>Gaps between two snapshots at one player longer than 1 s, summed over players.</summary>
    public required long SnapshotGapsOver1s { get; init; }

    /// <summary>Distinct rooms restored from a checkpoint at least once.</summary>
    public required int RoomsRestored { get; init; }

    /// <summary>Game time replayed per restore: ticks replayed ÷ tick rate.</summary>
    public required GameTimeLostStats GameTimeLostMs { get; init; }

    /// <summary>The most ticks one restore replayed: last tick before − first tick after + 1.</summary>
    public required long TicksReplayedMax { get; init; }

    /// <summary>
    /// Snapshots whose tick was below the previous one without a pause before, with the next snapshot back at the
    /// previous tick or past it, or the first snapshot after a resume repeating the last tick seen: delivered late or
    /// twice, not a restore (not in <see cref="RoomsRestored"/>).
    /// </summary>
    public long SnapshotsOutOfOrder { get; init; }

    /// <summary>Players seated, connected and receiving snapshots (the last one at most 2 s old) when the run ended.</summary>
    public required int BotsInRoomAtEnd { get; init; }

    /// <summary>Inputs not sent because the connection was down (reconnecting): not errors, and not in inputsSent.</summary>
    public required long InputsDropped { get; init; }

    /// <summary>
    /// Inputs a room acknowledged and then lost when it was restored from an older checkpoint, summed over players (the
    /// SDK's <c>RoomRestored.InputsLost</c>): player actions the failure undid.
    /// </summary>
    public long InputsRolledBack { get; init; }

    /// <summary>Acked inputs sent before an outage ended (a drop, a stall over 1 s, a restore): not timed, so an outage never reads as latency.</summary>
    public required long AcksNotTimed { get; init; }

    /// <summary>Each restore once per room (the players of one room all see it), at most the first 100.</summary>
    public required IReadOnlyList<RoomRestore> Restores { get; init; }

    /// <summary>One bucket per second of the whole run, aligned with the main timeline.</summary>
    public required IReadOnlyList<RecoveryBucket> Timeline { get; init; }
}

/// <summary>Outage durations; all zero when Count is 0. Percentiles are nearest-rank over the exact values.</summary>
public sealed record OutageStats(long Count, double P50, double P99, double Max);

/// <summary>Game time lost to room restores; both zero without restores.</summary>
public sealed record GameTimeLostStats(double Max, double P50);

/// <summary>
/// Players reconnecting at any moment of the second [Second, Second + 1), and players seated without a snapshot for
/// over 1 s at any moment of it (reconnecting players included once their gap passes 1 s).
/// </summary>
public sealed record RecoveryBucket(int Second, int Reconnecting, int Stalled);

/// <summary>One room restored from its checkpoint, as its players saw it.</summary>
public sealed record RoomRestore(string RoomId, long LastTickBefore, long FirstTickAfter, long TicksReplayed, int TickRateHz, double GameTimeLostMs)
{
    /// <summary>
    /// Ticks replayed = <paramref name="lastTickBefore"/> − <paramref name="firstTickAfter"/> + 1: every tick from the
    /// first after the restore up to the last seen before it is simulated a second time. Game time lost is that many
    /// ticks at <paramref name="tickRateHz"/> (20, the protocol's default, when unknown).
    /// </summary>
    public static RoomRestore From(string roomId, long lastTickBefore, long firstTickAfter, int tickRateHz)
    {
        var ticks = Math.Max(0, lastTickBefore - firstTickAfter + 1);
        var rate = tickRateHz > 0 ? tickRateHz : 20;
        return new RoomRestore(roomId, lastTickBefore, firstTickAfter, ticks, rate, Math.Round(ticks * 1000.0 / rate, 3));
    }
}
