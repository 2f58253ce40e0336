namespace GameServer.Edge.Tests;

public sealed class TickPhaseEstimatorTests
{
    private const long Interval = 50_000; // a 50 ms tick in microsecond "timestamps"

    [Fact]
    public void UntilNextTick_WithoutObservations_IsZeroSoInputsGoOutAtOnce() =>
        Assert.Equal(0, new TickPhaseEstimator(Interval).UntilNextTick(123_456));

    [Fact]
    public void UntilNextTick_FollowsTheEarliestArrivalNotTheLatest()
    {
        // Boundaries at 1_000_000 + k × 50 ms; snapshots arrive 0.3–5 ms after them (timer lateness + delivery).
        var estimator = new TickPhaseEstimator(Interval);
        long[] delays = [5_000, 300, 4_200, 2_000, 900];
        for (var tick = 1; tick <= delays.Length; tick++)
        {
            estimator.Observe(tick, 1_000_000 + (tick * Interval) + delays[tick - 1]);
        }

        // Right after the late snapshot of tick 6 arrives (5 ms late), the next tick is still ~45 ms away from its
        // boundary + the smallest delay (0.3 ms), not 50 ms after that late arrival.
        var now = 1_000_000 + (6 * Interval) + 5_000;
        Assert.Equal(Interval - 5_000 + 300, estimator.UntilNextTick(now));
    }

    [Fact]
    public void UntilNextTick_AtTheEstimatedBoundary_IsAWholeInterval()
    {
        var estimator = new TickPhaseEstimator(Interval);
        estimator.Observe(10, (10 * Interval) + 700);
        Assert.Equal(Interval, estimator.UntilNextTick((12 * Interval) + 700));
    }

    [Fact]
    public void Observe_ForgetsOldMinimaAfterTheWindowSlides()
    {
        // The room's phase shifts by 20 ms (e.g. it skipped time): after two window halves the old phase is gone.
        var estimator = new TickPhaseEstimator(Interval);
        estimator.Observe(0, 100);
        for (var tick = 1; tick <= 40; tick++)
        {
            estimator.Observe(tick, (tick * Interval) + 20_000);
        }
        Assert.Equal(Interval, estimator.UntilNextTick((41 * Interval) + 20_000));
    }

    [Fact]
    public void Reset_DropsTheEstimate()
    {
        var estimator = new TickPhaseEstimator(Interval);
        estimator.Observe(3, 3 * Interval);
        estimator.Reset(Interval / 2);
        Assert.False(estimator.HasEstimate);
        Assert.Equal(0, estimator.UntilNextTick(999));
    }

    [Fact]
    public void StartOf_TheTickAfterTheLastSnapshot_IsItsEstimatedBoundary()
    {
        var estimator = new TickPhaseEstimator(Interval);
        estimator.Observe(7, 1_000_000 + (7 * Interval) + 2_000);
        estimator.Observe(8, 1_000_000 + (8 * Interval) + 700);

        // The edge aims its flush at the start of tick 9 (boundary + smallest delay), not at 50 ms after the last arrival.
        Assert.Equal(8, estimator.LastTick);
        Assert.Equal(1_000_000 + (9 * Interval) + 700, estimator.StartOf(estimator.LastTick + 1));
    }

    [Fact]
    public void LastTick_IgnoresAnOlderSnapshotArrivingLate()
    {
        var estimator = new TickPhaseEstimator(Interval);
        estimator.Observe(12, 1_000_000);
        estimator.Observe(11, 1_000_100);
        Assert.Equal(12, estimator.LastTick);
        estimator.Reset(Interval);
        Assert.Equal(-1, estimator.LastTick);
    }
}
