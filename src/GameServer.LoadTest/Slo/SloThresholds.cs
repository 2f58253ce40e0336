namespace GameServer.LoadTest.Slo;

/// <summary>The service-level objectives a run is judged against (from --slo-*).</summary>
internal sealed record SloThresholds(double P99Ms, double MaxErrorRate, double MinSnapshotsPerSecond)
{
    public static SloThresholds From(LoadTestOptions options) =>
        new(options.SloP99Ms, options.SloMaxErrorRate, options.SloMinSnapshotRate);
}
