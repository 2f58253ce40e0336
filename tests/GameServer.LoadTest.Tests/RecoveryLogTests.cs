using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Tests;

public sealed class RecoveryLogTests
{
    [Fact]
    public void RoomRestored_SeenByEveryPlayerOfTheRoom_IsOneRestoreTheWidestKept()
    {
        var log = new RecoveryLog();

        // Eight players of one room; one missed the first snapshot after the restore, one the last before it.
        for (var i = 0; i < 6; i++)
        {
            log.RoomRestored("arena:a", 347, 333, 20);
        }
        log.RoomRestored("arena:a", 347, 335, 20);
        log.RoomRestored("arena:a", 346, 333, 20);

        var restore = Assert.Single(log.Restores());
        Assert.Equal((347, 333, 15), (restore.LastTickBefore, restore.FirstTickAfter, restore.TicksReplayed));
        Assert.Equal(750, restore.GameTimeLostMs);
    }

    [Fact]
    public void RoomRestored_TwiceInOneRoomAtDifferentTicks_IsTwoRestores()
    {
        var log = new RecoveryLog();

        log.RoomRestored("arena:a", 347, 333, 20);
        log.RoomRestored("arena:a", 900, 885, 20);
        log.RoomRestored("arena:b", 347, 333, 20);

        Assert.Equal(3, log.Restores().Count);
    }

    [Fact]
    public void RoomRestored_KeepsAtMostTheFirstHundred()
    {
        var log = new RecoveryLog();

        for (var i = 0; i < RecoveryLog.MaxRestores + 20; i++)
        {
            log.RoomRestored("arena:" + i, 100, 90, 20);
        }

        Assert.Equal(RecoveryLog.MaxRestores, log.Restores().Count);
    }

    [Fact]
    public void Outage_IsKeptInMilliseconds()
    {
        var log = new RecoveryLog();

        log.Outage(TimeSpan.FromMilliseconds(312.5));

        Assert.Equal([312.5], log.OutagesMs());
    }
}
