using GameServer.LoadTest.Bots;

namespace GameServer.LoadTest.Tests;

/// <summary>One bot's failure bookkeeping, driven with fake Stopwatch timestamps in the order the SDK raises its events.</summary>
public sealed class BotRecoveryTests
{
    private static readonly long s_ms = System.Diagnostics.Stopwatch.Frequency / 1000;

    [Fact]
    public void Snapshots_EveryFiftyMs_NoStallAndTheLongestGapIsFifty()
    {
        var recovery = Seated(out var t);
        for (var i = 1; i <= 40; i++)
        {
            recovery.Snapshot(t += Ms(50));
        }

        var totals = recovery.Finish(t + Ms(20));

        Assert.InRange(totals.MaxSnapshotGapMs, 49.9, 50.1);
        Assert.Equal(0, totals.SnapshotGapsOver1s);
        Assert.True(totals.InRoomAtEnd);
        Assert.Equal(0, totals.Drops);
        Assert.False(recovery.StalledSince(t - Ms(1_000), t + Ms(20)));
    }

    [Fact]
    public void Snapshot_AfterAGapOverOneSecond_CountsAStallFencesLatencyAndRecordsTheOutage()
    {
        var recovery = Seated(out var t);
        recovery.Snapshot(t += Ms(50));
        var stallStart = t;
        Assert.False(recovery.StalledSince(stallStart, t + Ms(900)));
        Assert.True(recovery.StalledSince(stallStart, t + Ms(1_100)));

        recovery.Snapshot(t += Ms(4_200)); // the silo died; the room came back on another one

        Assert.Equal(t, recovery.LatencyFence);
        Assert.True(recovery.StalledSince(t - Ms(10), t)); // ended within this second: it still counts for it
        Assert.False(recovery.StalledSince(t + Ms(1), t + Ms(500)));
        Assert.Equal(Ms(4_200), recovery.OutageTicksWithin(0, long.MaxValue));
        Assert.Equal(Ms(1_000), recovery.OutageTicksWithin(stallStart + Ms(1_000), stallStart + Ms(2_000)));
        var totals = recovery.Finish(t + Ms(50));
        Assert.InRange(totals.MaxSnapshotGapMs, 4_199.9, 4_200.1);
        Assert.Equal(1, totals.SnapshotGapsOver1s);
    }

    [Fact]
    public void DropThenResume_CountsOneResumedDropAndTheSnapshotGapAsOutage()
    {
        var recovery = Seated(out var t);
        recovery.Snapshot(t += Ms(50));
        var lastBefore = t;

        recovery.Drop(hasSeat: true);
        Assert.True(recovery.IsReconnecting);
        Assert.True(recovery.ReconnectingSince(t));
        recovery.Resumed(t += Ms(300));
        recovery.Reconnected(t);
        recovery.Snapshot(t += Ms(40));

        Assert.False(recovery.IsReconnecting);
        Assert.True(recovery.IsSeated);
        Assert.True(recovery.ReconnectingSince(t - Ms(100)));
        Assert.False(recovery.ReconnectingSince(t + Ms(1)));
        Assert.Equal(t - Ms(40), recovery.LatencyFence);
        Assert.Equal(Ms(340), recovery.OutageTicksWithin(lastBefore, long.MaxValue)); // under 1 s, but a drop: an outage
        var totals = recovery.Finish(t + Ms(10));
        Assert.Equal((1, 1, 1, 0), (totals.Drops, totals.Reconnects, totals.Resumes, totals.ResumeFailures));
        Assert.True(totals.ResumedEveryDrop);
        Assert.Equal(0, totals.SnapshotGapsOver1s);
        Assert.True(totals.InRoomAtEnd);
    }

    [Fact]
    public void DropThenResumeFailed_LosesTheSeatAndCountsAFailure()
    {
        var recovery = Seated(out var t);
        recovery.Snapshot(t += Ms(50));

        recovery.Drop(hasSeat: true);
        recovery.ResumeFailed(t += Ms(200));
        recovery.Reconnected(t);

        Assert.False(recovery.IsSeated);
        var totals = recovery.Finish(t + Ms(5_000));
        Assert.Equal((1, 1, 0, 1), (totals.Drops, totals.Reconnects, totals.Resumes, totals.ResumeFailures));
        Assert.False(totals.ResumedEveryDrop);
        Assert.False(totals.InRoomAtEnd);
        Assert.Equal(0, totals.SnapshotGapsOver1s); // no seat, so no open gap to count
    }

    [Fact]
    public void Reconnected_WithoutResumedOrFailed_IsANewSeatAndCountsAsAFailedResume()
    {
        var recovery = Seated(out var t);
        recovery.Drop(hasSeat: true);

        var reseated = recovery.Reconnected(t += Ms(300));

        Assert.True(reseated);
        var totals = recovery.Finish(t);
        Assert.Equal((1, 1, 0, 1), (totals.Drops, totals.Reconnects, totals.Resumes, totals.ResumeFailures));
    }

    [Fact]
    public void DropWithoutASeat_IsNotCounted()
    {
        var recovery = new BotRecovery();

        recovery.Drop(hasSeat: false);
        var reseated = recovery.Reconnected(Ms(1_000));

        Assert.False(reseated);
        var totals = recovery.Finish(Ms(2_000));
        Assert.Equal((0, 0, 0, 0), (totals.Drops, totals.Reconnects, totals.Resumes, totals.ResumeFailures));
    }

    [Fact]
    public void DropThenGiveUp_EndsReconnectingWithoutAResume()
    {
        var recovery = Seated(out var t);
        recovery.Snapshot(t += Ms(50));
        recovery.Drop(hasSeat: true);

        recovery.Closed(t += Ms(30_000));

        Assert.False(recovery.IsReconnecting);
        Assert.False(recovery.IsSeated);
        var totals = recovery.Finish(t);
        Assert.Equal(1, totals.Drops);
        Assert.False(totals.ResumedEveryDrop);
    }

    [Fact]
    public void Finish_WhileStillReconnecting_CountsTheOpenGapAndTheOutage()
    {
        var recovery = Seated(out var t);
        recovery.Snapshot(t += Ms(50));
        var last = t;
        recovery.Drop(hasSeat: true);

        var totals = recovery.Finish(t += Ms(3_000));

        Assert.InRange(totals.MaxSnapshotGapMs, 2_999.9, 3_000.1);
        Assert.Equal(1, totals.SnapshotGapsOver1s);
        Assert.False(totals.InRoomAtEnd);
        Assert.False(totals.ResumedEveryDrop);
        Assert.Equal(Ms(3_000), recovery.OutageTicksWithin(last, t));
    }

    [Theory]
    [InlineData(1_900, true)]
    [InlineData(2_100, false)]
    public void Finish_InRoomAtEnd_NeedsASnapshotInTheLastTwoSeconds(int sinceLastMs, bool inRoom)
    {
        var recovery = Seated(out var t);
        recovery.Snapshot(t += Ms(50));

        Assert.Equal(inRoom, recovery.Finish(t + Ms(sinceLastMs)).InRoomAtEnd);
    }

    [Fact]
    public void Finish_ASnapshotJustAfterTheEndWasRead_IsInTheRoomWithNothingOpen()
    {
        // The run reads the clock, then a snapshot lands on its receive thread before this bot's turn comes.
        var recovery = Seated(out var t);
        var end = t + Ms(500);
        recovery.Snapshot(end + Ms(1));

        var totals = recovery.Finish(end);

        Assert.True(totals.InRoomAtEnd);
        Assert.Equal(0, totals.SnapshotGapsOver1s);
    }

    [Fact]
    public void Finish_SeatedButNeverASnapshot_IsAGapFromTheWelcome()
    {
        var recovery = Seated(out var t);

        var totals = recovery.Finish(t + Ms(1_500));

        Assert.InRange(totals.MaxSnapshotGapMs, 1_499.9, 1_500.1);
        Assert.Equal(1, totals.SnapshotGapsOver1s);
        Assert.False(totals.InRoomAtEnd);
    }

    [Fact]
    public void ComesAfterAPause_OnlyAfterThePauseOrADrop()
    {
        var recovery = Seated(out var t);
        recovery.Snapshot(t += Ms(50));

        Assert.False(recovery.ComesAfterAPause(t + Ms(60), pauseTicks: Ms(250)));
        Assert.True(recovery.ComesAfterAPause(t + Ms(250), pauseTicks: Ms(250)));
        recovery.Drop(hasSeat: true);
        Assert.True(recovery.ComesAfterAPause(t + Ms(60), pauseTicks: Ms(250)));
    }

    [Fact]
    public void DroppedSinceSnapshot_IsTrueFromTheDropToTheNextSnapshot()
    {
        var recovery = Seated(out var t);
        recovery.Snapshot(t += Ms(50));
        Assert.False(recovery.DroppedSinceSnapshot);

        recovery.Drop(hasSeat: true);
        Assert.True(recovery.DroppedSinceSnapshot);
        recovery.Resumed(t += Ms(60));
        Assert.True(recovery.DroppedSinceSnapshot);
        recovery.SnapshotRepeated();
        recovery.Snapshot(t += Ms(5));

        Assert.False(recovery.DroppedSinceSnapshot);
        Assert.Equal(1, recovery.Finish(t).SnapshotsOutOfOrder);
    }

    [Fact]
    public void SnapshotOutOfOrder_PutsTheProvisionalFenceBack()
    {
        var recovery = Seated(out var t);
        recovery.RoomRestored(t += Ms(100));
        var earlier = recovery.LatencyFence;

        var previous = recovery.FenceProvisionally(t += Ms(5_000));
        Assert.Equal(t, recovery.LatencyFence);
        recovery.SnapshotOutOfOrder(t, previous);

        Assert.Equal(earlier, recovery.LatencyFence);
        Assert.Equal(1, recovery.Finish(t).SnapshotsOutOfOrder);
    }

    [Fact]
    public void SnapshotOutOfOrder_KeepsAFenceAnOutageMovedInTheMeantime()
    {
        var recovery = Seated(out var t);
        var previous = recovery.FenceProvisionally(t += Ms(100));
        var provisional = t;
        recovery.Drop(hasSeat: true);
        recovery.Resumed(t += Ms(300));

        recovery.SnapshotOutOfOrder(provisional, previous);

        Assert.Equal(t, recovery.LatencyFence);
    }

    private static BotRecovery Seated(out long now)
    {
        var recovery = new BotRecovery();
        now = Ms(10_000);
        recovery.Seat(now);
        return recovery;
    }

    private static long Ms(double ms) => (long)(ms * s_ms);
}
