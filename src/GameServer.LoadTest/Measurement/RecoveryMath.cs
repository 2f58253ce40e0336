using GameServer.LoadTest.Bots;
using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Measurement;

/// <summary>Sums the bots' recovery figures and the shared log into the result's <see cref="RecoverySummary"/>.</summary>
internal static class RecoveryMath
{
    public static RecoverySummary Summarize(
        IReadOnlyList<BotRecoveryTotals> bots,
        IReadOnlyList<double> outagesMs,
        IReadOnlyList<RoomRestore> restores,
        IReadOnlyList<RecoveryBucket> timeline,
        long inputsDropped,
        long acksNotTimed,
        long inputsRolledBack = 0)
    {
        ArgumentNullException.ThrowIfNull(bots);
        ArgumentNullException.ThrowIfNull(outagesMs);
        ArgumentNullException.ThrowIfNull(restores);
        ArgumentNullException.ThrowIfNull(timeline);
        var dropped = bots.Count(b => b.Drops > 0);
        var resumed = bots.Count(b => b.ResumedEveryDrop);
        var outages = outagesMs.Order().ToArray();
        var lost = restores.Select(r => r.GameTimeLostMs).Order().ToArray();
        return new RecoverySummary
        {
            BotsDropped = dropped,
            Drops = bots.Sum(b => b.Drops),
            Reconnects = bots.Sum(b => b.Reconnects),
            Resumes = bots.Sum(b => b.Resumes),
            ResumeFailures = bots.Sum(b => b.ResumeFailures),
            BotsResumedPercent = ResumedPercent(dropped, resumed),
            OutageMs = new OutageStats(outages.Length, Percentile(outages, 50), Percentile(outages, 99), Percentile(outages, 100)),
            MaxSnapshotGapMs = bots.Select(b => b.MaxSnapshotGapMs).DefaultIfEmpty(0).Max(),
            SnapshotGapsOver1s = bots.Sum(b => b.SnapshotGapsOver1s),
            RoomsRestored = restores.Select(r => r.RoomId).Distinct(StringComparer.Ordinal).Count(),
            GameTimeLostMs = new GameTimeLostStats(Percentile(lost, 100), Percentile(lost, 50)),
            TicksReplayedMax = restores.Select(r => r.TicksReplayed).DefaultIfEmpty(0).Max(),
            SnapshotsOutOfOrder = bots.Sum(b => b.SnapshotsOutOfOrder),
            BotsInRoomAtEnd = bots.Count(b => b.InRoomAtEnd),
            InputsDropped = inputsDropped,
            AcksNotTimed = acksNotTimed,
            InputsRolledBack = inputsRolledBack,
            Restores = [.. restores.OrderBy(r => r.RoomId, StringComparer.Ordinal).ThenBy(r => r.FirstTickAfter)],
            Timeline = timeline,
        };
    }

    /// <summary>Whether anything failed and was (or was not) recovered: a drop, a stall over 1 s, a restore, a failed resume.</summary>
    public static bool AnyEvent(RecoverySummary recovery) =>
        recovery.Drops > 0 || recovery.SnapshotGapsOver1s > 0 || recovery.RoomsRestored > 0 || recovery.ResumeFailures > 0;

    /// <summary>Players that got their seat back after every drop ÷ players that dropped, in %, to 0.01; 100 when none dropped.</summary>
    public static double ResumedPercent(int dropped, int resumedEveryDrop) =>
        dropped == 0 ? 100 : Math.Round(100.0 * resumedEveryDrop / dropped, 2);

    /// <summary>Nearest-rank percentile of ascending values: the smallest value with at least p % of them at or below it; 0 when empty.</summary>
    public static double Percentile(IReadOnlyList<double> ascending, double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (ascending.Count == 0)
        {
            return 0;
        }
        var rank = (int)Math.Ceiling(percentile * ascending.Count / 100); // multiply first: 99 × 100 / 100 is exactly 99
        return ascending[Math.Clamp(rank, 1, ascending.Count) - 1];
    }
}
