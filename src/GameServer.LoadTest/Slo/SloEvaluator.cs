using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Slo;

/// <summary>
/// Judges a run: input→ack p99, error rate and snapshot rate against the SLO, plus two sanity checks (every player
/// joined, the whole window was measured), then the recovery and soak checks that were asked for, and with delta
/// snapshots no keyframe request. Boundaries pass: a p99 exactly at the target meets it.
/// </summary>
internal static class SloEvaluator
{
    public const string RecoveryCheck = "recovery time";
    public const string GameTimeLostCheck = "game time lost";
    public const string ResumedCheck = "players resumed";
    public const string RssGrowthCheck = "server RSS growth";
    public const string HeapGrowthCheck = "server GC heap growth";
    public const string HandlesGrowthCheck = "server open handles growth";
    public const string RoomsClosedCheck = "rooms open after players left";
    public const string ErrorsCheck = "errors";
    public const string KeyframeRequestsCheck = "keyframe requests";

    /// <param name="plannedSeconds">The measurement window asked for, in whole seconds.</param>
    /// <param name="windowComplete">Every planned second was measured (not interrupted, not cut short).</param>
    /// <param name="recovery">The run's recovery figures; the recovery checks need them (null fails any that was asked for).</param>
    /// <param name="soak">A --churn soak's figures and limits: adds the growth, rooms-closed and zero-error checks.</param>
    public static SloVerdict Evaluate(RunSummary summary, SloThresholds slo, int plannedSeconds, bool windowComplete, RecoverySummary? recovery = null,
        SoakVerdictInput? soak = null)
    {
        var p99 = summary.InputToAckMs;
        // Outages are judged by the recovery checks; the snapshot rate judges the time the players were connected and fed.
        var snapshotRate = summary.SnapshotsPerSecondPerPlayerExcludingOutages ?? summary.SnapshotsPerSecondPerPlayer;
        var checks = new List<SloCheck>
        {
            // No acks at all is a failure, not a perfect 0 ms.
            new("input→ack p99", "<=", slo.P99Ms, p99.P99, "ms", p99.Count > 0 && p99.P99 <= slo.P99Ms),
            new("error rate", "<=", slo.MaxErrorRate, summary.ErrorRate, "fraction", summary.ErrorRate <= slo.MaxErrorRate),
            new("snapshots/s per player", ">=", slo.MinSnapshotsPerSecond, snapshotRate, "1/s", snapshotRate >= slo.MinSnapshotsPerSecond),
            new("players joined", "==", summary.PlayersTarget, summary.PlayersJoined, "players", summary.PlayersJoined == summary.PlayersTarget),
            new("measurement window", ">=", plannedSeconds, Math.Round(summary.MeasuredSeconds, 1), "s", windowComplete),
        };
        if (slo.MaxRecoveryMs is { } maxRecovery)
        {
            var actual = recovery is null ? double.NaN : RecoveryTimeMs(recovery);
            checks.Add(new(RecoveryCheck, "<=", maxRecovery, Finite(actual), "ms", actual <= maxRecovery));
        }
        if (slo.MaxGameTimeLostMs is { } maxLost)
        {
            var actual = recovery?.GameTimeLostMs.Max ?? double.NaN;
            checks.Add(new(GameTimeLostCheck, "<=", maxLost, Finite(actual), "ms", actual <= maxLost));
        }
        if (slo.MinResumedPercent is { } minResumed)
        {
            var actual = recovery?.BotsResumedPercent ?? double.NaN;
            checks.Add(new(ResumedCheck, ">=", minResumed, Finite(actual), "%", actual >= minResumed));
        }
        if (soak is not null)
        {
            checks.AddRange(SoakChecks(soak));
        }
        if (slo.MaxKeyframeRequests is { } maxKeyframes)
        {
            // Last, so the other checks keep their places. A summary without the figure fails: it proves nothing.
            var actual = summary.KeyframeRequests;
            checks.Add(new(KeyframeRequestsCheck, "<=", maxKeyframes, actual ?? 0, "requests", actual <= maxKeyframes));
        }
        return new SloVerdict(checks.All(c => c.Passed), checks);
    }

    /// <summary>
    /// Growth of RSS, GC heap and open handles over the window at most the limit (a figure not measured fails: a soak
    /// that could not see the server proves nothing); every room closed once the players left; not one error. Other
    /// grains are reported, not judged: some start lazily and stay (the in-memory storage's ten partition grains).
    /// </summary>
    private static IEnumerable<SloCheck> SoakChecks(SoakVerdictInput input)
    {
        var soak = input.Soak;
        var max = input.MaxGrowthPercent;
        foreach (var (name, figure) in new[] { (RssGrowthCheck, soak.RssMb), (HeapGrowthCheck, soak.GcHeapMb), (HandlesGrowthCheck, soak.OpenHandles) })
        {
            yield return new(name, "<=", max, figure.Percent ?? 0, "%", figure.Percent is { } p && p <= max);
        }
        var open = soak.RoomsOpenAfterPlayersLeft;
        yield return new(RoomsClosedCheck, "==", 0, open ?? 0, "rooms", open == 0);
        yield return new(ErrorsCheck, "==", 0, input.Errors, "errors", input.Errors == 0);
    }

    /// <summary>How long the worst-hit player went without the game: its longest snapshot gap or drop-to-resume outage.</summary>
    public static double RecoveryTimeMs(RecoverySummary recovery) => Math.Max(recovery.MaxSnapshotGapMs, recovery.OutageMs.Max);

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;
}
