namespace GameServer.Simulation.Tests;

public class FixedStepAccumulatorTests
{
    private static readonly TimeSpan Step50 = TimeSpan.FromMilliseconds(50);

    [Theory]
    [InlineData(50, 1)]
    [InlineData(100, 2)]
    [InlineData(150, 3)]
    public void Advance_WhenElapsedIsExactMultipleOfStep_ReturnsThatManyStepsAndNothingPending(int elapsedMs, int expectedSteps)
    {
        var accumulator = new FixedStepAccumulator(Step50, maxCatchUpSteps: 3);

        var steps = accumulator.Advance(TimeSpan.FromMilliseconds(elapsedMs));

        Assert.Equal(expectedSteps, steps);
        Assert.Equal(TimeSpan.Zero, accumulator.Pending);
        Assert.Equal(0L, accumulator.SkippedSteps);
    }

    [Fact]
    public void Realign_ReplacesThePendingTime_SoTheNextStepFallsAStepAfterTheNewBoundary()
    {
        var accumulator = new FixedStepAccumulator(Step50, maxCatchUpSteps: 3);
        accumulator.Advance(TimeSpan.FromMilliseconds(30));

        accumulator.Realign(TimeSpan.FromMilliseconds(45));

        Assert.Equal(1, accumulator.Advance(TimeSpan.FromMilliseconds(5)));
        Assert.Equal(TimeSpan.Zero, accumulator.Pending);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(50)]
    public void Realign_OutsideOneStep_IsRefused(int pendingMs)
    {
        var accumulator = new FixedStepAccumulator(Step50, maxCatchUpSteps: 3);

        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Realign(TimeSpan.FromMilliseconds(pendingMs)));
    }

    [Fact]
    public void Advance_WhenElapsedIsFractional_CarriesTheRemainderToTheNextCall()
    {
        var accumulator = new FixedStepAccumulator(Step50, maxCatchUpSteps: 3);
        var thirty = TimeSpan.FromMilliseconds(30);

        var steps = new[]
        {
            accumulator.Advance(thirty), // 30 pending
            accumulator.Advance(thirty), // 60 -> 1 step, 10 pending
            accumulator.Advance(thirty), // 40 pending
            accumulator.Advance(thirty), // 70 -> 1 step, 20 pending
        };

        Assert.Equal(new[] { 0, 1, 0, 1 }, steps);
        Assert.Equal(TimeSpan.FromMilliseconds(20), accumulator.Pending);
    }

    [Fact]
    public void Advance_WhenTimerJittersAroundTheStep_KeepsTheAverageRateExact()
    {
        var accumulator = new FixedStepAccumulator(Step50, maxCatchUpSteps: 3);
        var total = 0;

        for (var i = 0; i < 1000; i++)
        {
            total += accumulator.Advance(TimeSpan.FromMilliseconds(i % 2 == 0 ? 47 : 53));
        }

        Assert.Equal(1000, total); // 1000 callbacks averaging 50 ms
        Assert.Equal(TimeSpan.Zero, accumulator.Pending);
        Assert.Equal(0L, accumulator.SkippedSteps);
    }

    [Fact]
    public void Advance_WhenCallbackIsVeryLate_RunsMaxCatchUpStepsAndCountsTheRestSkipped()
    {
        var accumulator = new FixedStepAccumulator(Step50, maxCatchUpSteps: 3);

        var steps = accumulator.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal(3, steps);
        Assert.Equal(7L, accumulator.SkippedSteps);
        Assert.Equal(TimeSpan.Zero, accumulator.Pending); // skipped time is dropped, not replayed later
        Assert.Equal(0, accumulator.Advance(TimeSpan.FromMilliseconds(10)));
    }

    [Fact]
    public void Advance_WhenLateCallbacksRepeat_AccumulatesSkippedSteps()
    {
        var accumulator = new FixedStepAccumulator(Step50, maxCatchUpSteps: 2);

        var first = accumulator.Advance(TimeSpan.FromMilliseconds(220)); // 4 due, 20 pending
        var second = accumulator.Advance(TimeSpan.FromMilliseconds(180)); // 200 -> 4 due

        Assert.Equal(2, first);
        Assert.Equal(2, second);
        Assert.Equal(4L, accumulator.SkippedSteps);
        Assert.Equal(TimeSpan.Zero, accumulator.Pending);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-20)]
    public void Advance_WhenElapsedIsZeroOrNegative_AddsNothing(int elapsedMs)
    {
        var accumulator = new FixedStepAccumulator(Step50, maxCatchUpSteps: 3);
        accumulator.Advance(TimeSpan.FromMilliseconds(30));

        var steps = accumulator.Advance(TimeSpan.FromMilliseconds(elapsedMs));

        Assert.Equal(0, steps);
        Assert.Equal(TimeSpan.FromMilliseconds(30), accumulator.Pending);
    }

    [Fact]
    public void Reconfigure_WhenStepChanges_KeepsPendingTimeAndUsesNewStep()
    {
        var accumulator = new FixedStepAccumulator(Step50, maxCatchUpSteps: 3);
        accumulator.Advance(TimeSpan.FromMilliseconds(30)); // 30 pending

        accumulator.Reconfigure(TimeSpan.FromMilliseconds(20), maxCatchUpSteps: 5);

        Assert.Equal(TimeSpan.FromMilliseconds(30), accumulator.Pending);
        Assert.Equal(TimeSpan.FromMilliseconds(20), accumulator.Step);
        Assert.Equal(5, accumulator.MaxCatchUpSteps);
        Assert.Equal(1, accumulator.Advance(TimeSpan.Zero)); // 30 ms at 20 ms steps
        Assert.Equal(TimeSpan.FromMilliseconds(10), accumulator.Pending);
        Assert.Equal(3, accumulator.Advance(TimeSpan.FromMilliseconds(50))); // 60 ms -> 3 steps
        Assert.Equal(TimeSpan.Zero, accumulator.Pending);
    }

    [Theory]
    [InlineData(0, 3, "step")]
    [InlineData(-50, 3, "step")]
    [InlineData(50, 0, "maxCatchUpSteps")]
    [InlineData(50, -1, "maxCatchUpSteps")]
    public void Constructor_WhenArgumentInvalid_ThrowsArgumentOutOfRange(int stepMs, int maxCatchUpSteps, string paramName)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new FixedStepAccumulator(TimeSpan.FromMilliseconds(stepMs), maxCatchUpSteps));

        Assert.Equal(paramName, ex.ParamName);
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(50, 0)]
    public void Reconfigure_WhenArgumentInvalid_ThrowsAndKeepsPreviousConfiguration(int stepMs, int maxCatchUpSteps)
    {
        var accumulator = new FixedStepAccumulator(Step50, maxCatchUpSteps: 3);

        Assert.Throws<ArgumentOutOfRangeException>(
            () => accumulator.Reconfigure(TimeSpan.FromMilliseconds(stepMs), maxCatchUpSteps));

        Assert.Equal(Step50, accumulator.Step);
        Assert.Equal(3, accumulator.MaxCatchUpSteps);
    }
}
