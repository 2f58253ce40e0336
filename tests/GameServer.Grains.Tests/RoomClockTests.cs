using static GameServer.Grains.Tests.Timestamps;

namespace GameServer.Grains.Tests;

public sealed class RoomClockTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(50);

    private static RoomClock StartedClock(int maxCatchUpSteps = 5, long serverTimeOffsetMs = 0)
    {
        var clock = new RoomClock(s_step, maxCatchUpSteps, Origin, serverTimeOffsetMs);
        clock.Start(At(0));
        return clock;
    }

    [Theory]
    [InlineData(49.9, 0)]
    [InlineData(50, 1)]
    [InlineData(150, 3)]
    [InlineData(249, 4)]
    public void Advance_RunsOneFixedStepPerWholeStepElapsed(double elapsedMs, int expectedSteps)
    {
        var clock = StartedClock();

        var advance = clock.Advance(At(elapsedMs));

        Assert.Equal(expectedSteps, advance.Steps);
        Assert.Equal(0, clock.SkippedSteps);
    }

    [Fact]
    public void Advance_PastTheCatchUpLimit_RunsTheLimit_AndCountsTheRestAsSkippedOnce()
    {
        var clock = StartedClock(maxCatchUpSteps: 3);

        var advance = clock.Advance(At(500));

        Assert.Equal(3, advance.Steps);
        Assert.Equal(7, clock.SkippedSteps);
        Assert.Equal(7, clock.TakeSkippedSinceLastReport());
        Assert.Equal(0, clock.TakeSkippedSinceLastReport());
    }

    [Fact]
    public void Advance_CarriesAPartStepOver_AndAimsTheNextCallbackAtTheStepBoundary()
    {
        var clock = StartedClock();

        var first = clock.Advance(At(70));
        var second = clock.Advance(At(100));

        Assert.Equal(1, first.Steps);
        Assert.Equal(TimeSpan.FromMilliseconds(30), first.NextDue);
        Assert.Equal(1, second.Steps);
        Assert.Equal(s_step, second.NextDue);
    }

    [Fact]
    public void Advance_JustBeforeABoundary_ArmsTheTimerForAtLeastAMillisecond()
    {
        var clock = StartedClock();

        var advance = clock.Advance(At(49.9));

        Assert.Equal(0, advance.Steps);
        Assert.Equal(TimeSpan.FromMilliseconds(1), advance.NextDue);
    }

    [Fact]
    public void Advance_ReportsHowLateTheCallbackWasAgainstTheTimeItWasAimedAt()
    {
        var clock = StartedClock();

        var late = clock.Advance(At(60));
        var onTime = clock.Advance(At(100));

        Assert.Equal(TimeSpan.FromMilliseconds(10), late.Lateness);
        Assert.Equal(TimeSpan.Zero, onTime.Lateness);
    }

    [Fact]
    public void Reconfigure_KeepsTheTimeAlreadyAccumulated()
    {
        var clock = StartedClock();
        Assert.Equal(0, clock.Advance(At(40)).Steps);

        clock.Reconfigure(TimeSpan.FromMilliseconds(20), 5);

        Assert.Equal(2, clock.Advance(At(40)).Steps);
    }

    [Theory]
    // Every tick: each one.
    [InlineData(1, new long[] { 1, 2, 3 }, new[] { true, true, true })]
    // Every third tick: 3 and 6, and a callback that jumped from 2 to 4 crossed 3.
    [InlineData(3, new long[] { 1, 2, 3, 4, 5, 6 }, new[] { false, false, true, false, false, true })]
    [InlineData(3, new long[] { 2, 4, 5, 6 }, new[] { false, true, false, true })]
    public void IsSnapshotDue_OncePerBoundaryCrossed(int everyTicks, long[] ticks, bool[] expected)
    {
        var clock = StartedClock();

        var due = ticks.Select(t => clock.IsSnapshotDue(t, everyTicks)).ToArray();

        Assert.Equal(expected, due);
    }

    [Fact]
    public void ServerTime_CarriesOnFromTheRestoredOffset()
    {
        var clock = StartedClock(serverTimeOffsetMs: 5_000);

        Assert.Equal(5_000, clock.ServerTimeMs(At(0)));
        Assert.Equal(6_234, clock.ServerTimeMs(At(1_234)));
    }
}
