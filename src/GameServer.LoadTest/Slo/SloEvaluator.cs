using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Slo;

/// <summary>
/// Judges a run: input→ack p99, error rate and snapshot rate against the SLO, plus two sanity checks (every player
/// joined, the whole window was measured). Boundaries pass: a p99 exactly at the target meets it.
/// </summary>
internal static class SloEvaluator
{
    /// <param name="plannedSeconds">The measurement window asked for, in whole seconds.</param>
    /// <param name="windowComplete">Every planned second was measured (not interrupted, not cut short).</param>
    public static SloVerdict Evaluate(RunSummary summary, SloThresholds slo, int plannedSeconds, bool windowComplete)
    {
        var p99 = summary.InputToAckMs;
        SloCheck[] checks =
        [
            // No acks at all is a failure, not a perfect 0 ms.
            new("input→ack p99", "<=", slo.P99Ms, p99.P99, "ms", p99.Count > 0 && p99.P99 <= slo.P99Ms),
            new("error rate", "<=", slo.MaxErrorRate, summary.ErrorRate, "fraction", summary.ErrorRate <= slo.MaxErrorRate),
            new("snapshots/s per player", ">=", slo.MinSnapshotsPerSecond, summary.SnapshotsPerSecondPerPlayer, "1/s", summary.SnapshotsPerSecondPerPlayer >= slo.MinSnapshotsPerSecond),
            new("players joined", "==", summary.PlayersTarget, summary.PlayersJoined, "players", summary.PlayersJoined == summary.PlayersTarget),
            new("measurement window", ">=", plannedSeconds, Math.Round(summary.MeasuredSeconds, 1), "s", windowComplete),
        ];
        return new SloVerdict(checks.All(c => c.Passed), checks);
    }
}
