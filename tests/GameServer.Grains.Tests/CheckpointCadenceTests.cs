using GameServer.Grains;

namespace GameServer.Grains.Tests;

public sealed class CheckpointCadenceTests
{
    [Theory]
    // 1 s at 20 Hz with writes under a tick: start every 18 ticks, so even a catch-up step and a one-tick write land
    // the save by tick 20.
    [InlineData(1.0, 20, 1, 18)]
    // A write that took 5 ticks brings the start forward by as much.
    [InlineData(1.0, 20, 5, 14)]
    // Very slow storage: never more often than twice per interval.
    [InlineData(1.0, 20, 100, 10)]
    [InlineData(60.0, 20, 1, 1198)]
    // Intervals of a few ticks: at least half of them, at least one.
    [InlineData(0.2, 20, 1, 2)]
    [InlineData(0.05, 20, 1, 1)]
    [InlineData(0.01, 20, 1, 1)]
    public void TheNextSaveStarts_TheIntervalLessTheWriteTimeAndACatchUpTick_Before(double seconds, int hz, long writeTicks, long expected)
    {
        Assert.Equal(expected, CheckpointCadence.TicksBetweenSaves(seconds, hz, writeTicks));
    }

    [Fact]
    public void EveryWriteThatLandsWithinItsLead_KeepsTheGameTimeLostWithinTheInterval()
    {
        // Worst case: the kill comes just before a save lands. The last durable save started one cadence earlier, and
        // the players saw the ticks since then, plus a catch-up step, plus the ticks the write took.
        for (var writeTicks = 1; writeTicks <= 9; writeTicks++)
        {
            var interval = CheckpointCadence.IntervalTicks(1.0, 20);
            var cadence = CheckpointCadence.TicksBetweenSaves(1.0, 20, writeTicks);
            var worstLost = cadence + 1 + writeTicks;
            Assert.True(worstLost <= interval, $"{writeTicks}-tick writes lose up to {worstLost} of {interval} ticks");
        }
    }

    [Fact]
    public void OneSlowWrite_BringsSavesForward_AndTheEffectWearsOffATickAtATime()
    {
        var planned = CheckpointCadence.NextWriteTicks(1, TimeSpan.FromMilliseconds(230), 20);
        Assert.Equal(5, planned);

        planned = CheckpointCadence.NextWriteTicks(planned, TimeSpan.FromMilliseconds(2), 20);
        Assert.Equal(4, planned);
        for (var i = 0; i < 10; i++)
        {
            planned = CheckpointCadence.NextWriteTicks(planned, TimeSpan.FromMilliseconds(2), 20);
        }
        Assert.Equal(1, planned);
    }
}
