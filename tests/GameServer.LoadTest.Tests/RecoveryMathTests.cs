using GameServer.LoadTest.Bots;
using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Tests;

public sealed class RecoveryMathTests
{
    [Theory]
    [InlineData(50, 5)]
    [InlineData(90, 9)]
    [InlineData(99, 10)]
    [InlineData(100, 10)]
    [InlineData(10, 1)]
    [InlineData(0.1, 1)]
    public void Percentile_IsNearestRank(double percentile, double expected)
    {
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        Assert.Equal(expected, RecoveryMath.Percentile(values, percentile));
    }

    [Fact]
    public void Percentile_OfAHundredValues_P99IsTheNinetyNinth()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

        Assert.Equal(99, RecoveryMath.Percentile(values, 99));
        Assert.Equal(50, RecoveryMath.Percentile(values, 50));
    }

    [Theory]
    [InlineData(new double[0], 50, 0)]
    [InlineData(new double[] { 420 }, 50, 420)]
    [InlineData(new double[] { 420 }, 99, 420)]
    public void Percentile_OfNoneOrOne_IsZeroOrThatValue(double[] values, double percentile, double expected)
    {
        Assert.Equal(expected, RecoveryMath.Percentile(values, percentile));
    }

    [Theory]
    [InlineData(0, 0, 100)]
    [InlineData(4, 4, 100)]
    [InlineData(4, 3, 75)]
    [InlineData(3, 2, 66.67)]
    [InlineData(5, 0, 0)]
    public void ResumedPercent_IsResumedOfDroppedAndAHundredWhenNoneDropped(int dropped, int resumed, double expected)
    {
        Assert.Equal(expected, RecoveryMath.ResumedPercent(dropped, resumed));
    }

    [Fact]
    public void Summarize_NoFailures_IsZerosAndAHundredPercent()
    {
        var bots = Enumerable.Range(0, 8).Select(_ => Bot(maxGapMs: 61.5)).ToList();

        var summary = RecoveryMath.Summarize(bots, [], [], [new RecoveryBucket(0, 0, 0)], inputsDropped: 0, acksNotTimed: 0);

        Assert.Equal(0, summary.BotsDropped);
        Assert.Equal(0, summary.Drops);
        Assert.Equal(0, summary.Reconnects);
        Assert.Equal(0, summary.Resumes);
        Assert.Equal(0, summary.ResumeFailures);
        Assert.Equal(100, summary.BotsResumedPercent);
        Assert.Equal(new OutageStats(0, 0, 0, 0), summary.OutageMs);
        Assert.Equal(61.5, summary.MaxSnapshotGapMs);
        Assert.Equal(0, summary.SnapshotGapsOver1s);
        Assert.Equal(0, summary.RoomsRestored);
        Assert.Equal(new GameTimeLostStats(0, 0), summary.GameTimeLostMs);
        Assert.Equal(0, summary.TicksReplayedMax);
        Assert.Equal(8, summary.BotsInRoomAtEnd);
        Assert.False(RecoveryMath.AnyEvent(summary));
    }

    [Fact]
    public void Summarize_BotsThatDropped_CountsOnlyThoseResumedAfterEveryDrop()
    {
        BotRecoveryTotals[] bots =
        [
            Bot(drops: 1, resumes: 1),            // resumed
            Bot(drops: 2, resumes: 2),            // resumed twice
            Bot(drops: 2, resumes: 1, failures: 1, inRoomAtEnd: false), // the second drop's resume was refused
            Bot(drops: 1, resumes: 0, inRoomAtEnd: false), // the SDK gave up
            Bot(),                                // never dropped: not in the percentage
        ];

        var summary = RecoveryMath.Summarize(bots, [120, 80, 300, 95], [], [], inputsDropped: 37, acksNotTimed: 12, inputsRolledBack: 19);

        Assert.Equal(4, summary.BotsDropped);
        Assert.Equal(6, summary.Drops);
        Assert.Equal(5, summary.Reconnects);
        Assert.Equal(4, summary.Resumes);
        Assert.Equal(1, summary.ResumeFailures);
        Assert.Equal(50, summary.BotsResumedPercent);
        Assert.Equal(new OutageStats(4, 95, 300, 300), summary.OutageMs);
        Assert.Equal(3, summary.BotsInRoomAtEnd);
        Assert.Equal(37, summary.InputsDropped);
        Assert.Equal(12, summary.AcksNotTimed);
        Assert.Equal(19, summary.InputsRolledBack);
        Assert.True(RecoveryMath.AnyEvent(summary));
    }

    [Fact]
    public void Summarize_Gaps_TakesTheLongestAndSumsThoseOverOneSecond()
    {
        BotRecoveryTotals[] bots = [Bot(maxGapMs: 52), Bot(maxGapMs: 4_310.5, gapsOver1s: 1), Bot(maxGapMs: 1_200, gapsOver1s: 2)];

        var summary = RecoveryMath.Summarize(bots, [], [], [], 0, 0);

        Assert.Equal(4_310.5, summary.MaxSnapshotGapMs);
        Assert.Equal(3, summary.SnapshotGapsOver1s);
        Assert.True(RecoveryMath.AnyEvent(summary));
    }

    [Fact]
    public void Summarize_Restores_CountsDistinctRoomsAndGameTimeLost()
    {
        RoomRestore[] restores =
        [
            RoomRestore.From("arena:a", lastTickBefore: 1_000, firstTickAfter: 981, tickRateHz: 20), // 20 ticks: 1000 ms
            RoomRestore.From("arena:b", 500, 491, 20),                                             // 10 ticks: 500 ms
            RoomRestore.From("arena:a", 1_400, 1_396, 20),                                         // 5 ticks: 250 ms, same room again
        ];

        var summary = RecoveryMath.Summarize([Bot()], [], restores, [], 0, 0);

        Assert.Equal(2, summary.RoomsRestored);
        Assert.Equal(20, summary.TicksReplayedMax);
        Assert.Equal(new GameTimeLostStats(Max: 1_000, P50: 500), summary.GameTimeLostMs);
        Assert.Equal(3, summary.Restores.Count);
        Assert.True(RecoveryMath.AnyEvent(summary));
    }

    [Theory]
    [InlineData(1_000, 981, 20, 20, 1_000)]
    [InlineData(1_000, 1_000, 20, 1, 50)]
    [InlineData(600, 571, 30, 30, 1_000)]
    [InlineData(100, 91, 0, 10, 500)] // tick rate unknown: the protocol's default, 20
    public void RoomRestoreFrom_TicksReplayedIsBeforeMinusAfterPlusOne(long before, long after, int rateHz, long ticks, double lostMs)
    {
        var restore = RoomRestore.From("arena:x", before, after, rateHz);

        Assert.Equal(ticks, restore.TicksReplayed);
        Assert.Equal(lostMs, restore.GameTimeLostMs);
    }

    private static BotRecoveryTotals Bot(
        long drops = 0, long resumes = 0, long failures = 0, double maxGapMs = 50, long gapsOver1s = 0, bool inRoomAtEnd = true) =>
        new(drops, Reconnects: resumes + failures, resumes, failures, RoomRestores: 0, maxGapMs, gapsOver1s, inRoomAtEnd);
}
