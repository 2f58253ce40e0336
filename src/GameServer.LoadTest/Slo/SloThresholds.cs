namespace GameServer.LoadTest.Slo;

/// <summary>The service-level objectives a run is judged against (from --slo-*). The recovery ones are off when null.</summary>
internal sealed record SloThresholds(double P99Ms, double MaxErrorRate, double MinSnapshotsPerSecond)
{
    /// <summary>--slo-max-recovery in ms: the longest snapshot gap and the longest drop-to-resume outage.</summary>
    public double? MaxRecoveryMs { get; init; }

    /// <summary>--slo-max-game-time-lost in ms: game time replayed by the worst room restore.</summary>
    public double? MaxGameTimeLostMs { get; init; }

    /// <summary>--slo-min-resumed, %: players that got their seat back after every drop, of those that dropped.</summary>
    public double? MinResumedPercent { get; init; }

    /// <summary>Keyframe requests allowed over the run: 0 with --deltas on (the server never sends a delta that does not apply), off with --deltas off.</summary>
    public long? MaxKeyframeRequests { get; init; }

    public static SloThresholds From(LoadTestOptions options) =>
        new(options.SloP99Ms, options.SloMaxErrorRate, options.SloMinSnapshotRate)
        {
            MaxRecoveryMs = options.SloMaxRecovery?.TotalMilliseconds,
            MaxGameTimeLostMs = options.SloMaxGameTimeLost?.TotalMilliseconds,
            MinResumedPercent = options.SloMinResumedPercent,
            MaxKeyframeRequests = options.DeltaSnapshots ? 0 : null,
        };
}
