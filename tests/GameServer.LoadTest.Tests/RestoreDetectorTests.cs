using GameServer.LoadTest.Bots;
using GameServer.Protocol;

namespace GameServer.LoadTest.Tests;

/// <summary>
/// Telling a room restored from its checkpoint from a late or repeated snapshot, driven with fake Stopwatch timestamps
/// in the order the SDK raises its events: RoomRestored, then that snapshot's frame, then the next frames.
/// </summary>
public sealed class RestoreDetectorTests
{
    private static readonly long s_ms = System.Diagnostics.Stopwatch.Frequency / 1000;
    private static readonly Welcome s_room = new("p", "arena:r1", "arena", 1, 20, 1, 0, "token", 8, false, 30);

    private readonly BotRecovery _recovery = new();
    private readonly List<(RestoreDetector.Restore Restore, long At)> _confirmed = [];
    private readonly RestoreDetector _detector;
    private long _now = Ms(10_000);

    public RestoreDetectorTests()
    {
        _detector = new RestoreDetector(_recovery, (restore, at) => _confirmed.Add((restore, at)));
        _recovery.Seat(_now);
    }

    [Fact]
    public void ATickThatGoesBackAfterAPause_IsARestore_ConfirmedAtOnce_WithTheInputsLost()
    {
        Snapshots(from: 100, to: 120);
        _now += Ms(2_000); // the silo died; the room came back on another one

        _detector.TickWentBack(lastTickBefore: 120, firstTickAfter: 101, inputsLost: 7, s_room, "arena:r1", 20, _now);
        Frame(101);

        var (restore, at) = Assert.Single(_confirmed);
        Assert.Equal((120L, 101L, 7u, "arena:r1", 20), (restore.LastTickBefore, restore.FirstTickAfter, restore.InputsLost, restore.RoomId, restore.TickRateHz));
        Assert.Equal(_now, at);
        Assert.Equal(0, _recovery.Finish(_now).SnapshotsOutOfOrder);
    }

    [Fact]
    public void ATickThatGoesBackOnTime_AndTheNextIsPastTheOldOne_IsALateSnapshot_AndTheLatencyFenceGoesBack()
    {
        Snapshots(from: 100, to: 120);
        var fenceBefore = _recovery.LatencyFence;

        _now += Ms(50);
        _detector.TickWentBack(lastTickBefore: 120, firstTickAfter: 119, inputsLost: 0, s_room, "arena:r1", 20, _now);
        Frame(119);
        Assert.NotEqual(fenceBefore, _recovery.LatencyFence); // fenced while undecided
        _now += Ms(50);
        Frame(121);

        Assert.Empty(_confirmed);
        Assert.Equal(1, _recovery.Finish(_now).SnapshotsOutOfOrder);
        Assert.Equal(fenceBefore, _recovery.LatencyFence);
    }

    [Fact]
    public void ATickThatGoesBackOnTime_AndStaysBelowTheOldOne_IsARestore_ConfirmedAtTheNextSnapshot()
    {
        Snapshots(from: 100, to: 120);

        _now += Ms(50);
        _detector.TickWentBack(lastTickBefore: 120, firstTickAfter: 118, inputsLost: 2, s_room, "arena:r1", 20, _now);
        Frame(118);
        Assert.Empty(_confirmed);
        _now += Ms(50);
        Frame(119);

        Assert.Equal(118, Assert.Single(_confirmed).Restore.FirstTickAfter);
        Assert.Equal(0, _recovery.Finish(_now).SnapshotsOutOfOrder);
    }

    [Fact]
    public void TheLastTickRepeatedRightAfterADrop_IsARepeat_NotARestore()
    {
        Snapshots(from: 100, to: 120);
        _recovery.Drop(hasSeat: true);
        _now += Ms(300);
        _recovery.Resumed(_now);

        _detector.TickWentBack(lastTickBefore: 120, firstTickAfter: 120, inputsLost: 0, s_room, "arena:r1", 20, _now);
        Frame(120);
        Frame(121);

        Assert.Empty(_confirmed);
        Assert.Equal(1, _recovery.Finish(_now).SnapshotsOutOfOrder);
    }

    private void Snapshots(long from, long to)
    {
        for (var tick = from; tick <= to; tick++)
        {
            _now += Ms(50);
            Frame(tick);
        }
    }

    // As the bot handles a frame: the detector first, then the recovery's gap bookkeeping.
    private void Frame(long tick)
    {
        _detector.Frame(tick, _now);
        _recovery.Snapshot(_now);
    }

    private static long Ms(double ms) => (long)(ms * s_ms);
}
