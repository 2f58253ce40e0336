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

    [Fact]
    public void Start_WithoutPhases_AimsTheFirstCallbackOneStepFromNow()
    {
        var clock = new RoomClock(s_step, 5, Origin, 0);

        Assert.Equal(s_step, clock.Start(At(13)));
        Assert.Equal(1, clock.Advance(At(63)).Steps);
    }

    [Fact]
    public void RoomsOfOnePhase_StartedAtDifferentTimes_StepAtTheSameInstants_SoTheirTimersFireTogether()
    {
        var early = new RoomClock(s_step, 5, Origin, 0);
        var late = new RoomClock(s_step, 5, Origin, 0);

        var earlyDue = early.Start(At(10), phase: 0, phases: 1);
        var lateDue = late.Start(At(37), phase: 0, phases: 1);
        var earlyFirst = early.Advance(At(50));
        var lateFirst = late.Advance(At(50));

        Assert.Equal(TimeSpan.FromMilliseconds(40), earlyDue);
        Assert.Equal(TimeSpan.FromMilliseconds(13), lateDue);
        Assert.Equal((1, s_step), (earlyFirst.Steps, earlyFirst.NextDue));
        Assert.Equal((1, s_step), (lateFirst.Steps, lateFirst.NextDue));
    }

    [Theory]
    [InlineData(0, 40)]
    [InlineData(1, 2.5)]
    [InlineData(2, 15)]
    [InlineData(3, 27.5)]
    [InlineData(6, 15)] // phases wrap around
    public void APhase_ShiftsTheGridByItsShareOfAStep(int phase, double firstDueMs)
    {
        var clock = new RoomClock(s_step, 5, Origin, 0);

        var due = clock.Start(At(10), phase, phases: 4);

        Assert.Equal(TimeSpan.FromMilliseconds(firstDueMs), due);
        Assert.Equal(1, clock.Advance(At(10 + firstDueMs)).Steps);
    }

    [Fact]
    public void ALiveTickRateChange_MovesTheRoomOntoTheNewRatesGridForItsPhase()
    {
        var clock = new RoomClock(s_step, 5, Origin, 0);
        clock.Start(At(10), phase: 1, phases: 4); // 50 ms grid shifted by 12.5 ms
        Assert.Equal(1, clock.Advance(At(12.5)).Steps);

        clock.Reconfigure(TimeSpan.FromMilliseconds(25), 5);
        var advance = clock.Advance(At(62.5));

        // 50 ms at 25 ms a step; the 25 ms grid shifted by 6.25 ms has a boundary at 81.25 ms, not 87.5.
        Assert.Equal(2, advance.Steps);
        Assert.Equal(TimeSpan.FromMilliseconds(18.75), advance.NextDue);
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
