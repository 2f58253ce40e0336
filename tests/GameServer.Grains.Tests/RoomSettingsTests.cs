using System.Diagnostics;
using GameServer.Abstractions;

namespace GameServer.Grains.Tests;

/// <summary>Live settings changes through the room-type grain, on a real TestCluster (the 2 Hz test game keeps arena untouched).</summary>
[Collection(ClusterCollection.Name)]
[CheckLogs]
public sealed class RoomSettingsTests(ClusterFixture fixture)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    private IRoomTypeGrain SlowType => fixture.Client.GetGrain<IRoomTypeGrain>(SlowTickGame.Type);

    [Fact]
    public async Task TypeChange_ReachesItsRunningRoomsAtATickBoundary_TellsTheirEdges_AndIsAudited()
    {
        var roomId = (await fixture.Client.GetGrain<IMatchmakerGrain>(SlowTickGame.Type).FindRoom("settings-" + Guid.NewGuid().ToString("N")[..8], null)).RoomId!;
        var room = fixture.Client.GetGrain<IRoomGrain>(roomId);
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        await room.Join("p1");
        await collector.WaitForAsync(_ => true, s_timeout);
        try
        {
            var change = await SlowType.Update(new RoomConfigPatch { TickRateHz = 10, MaxPlayers = 3 }, "tester");

            Assert.True(change.Succeeded);
            Assert.Equal(2, change.Before!.TickRateHz);
            await WaitUntilAsync(() => Task.FromResult(!collector.SettingsNotices.IsEmpty()));
            var notice = collector.SettingsNotices.Single();
            Assert.Equal((10, 3), (notice.TickRateHz, notice.MaxPlayers));
            Assert.True(notice.Tick >= collector.Snapshots.Where(s => s.Tick <= notice.Tick).Max(s => s.Tick), "the change lands between ticks");
            await WaitUntilAsync(async () => (await room.GetInfo()).Live.TickRateHz > 6);
            var info = await room.GetInfo();
            Assert.Equal((10, 3), (info.TickRateHz, info.MaxPlayers));
            var audit = await SlowType.GetAudit();
            Assert.Contains(audit, e => e.Who == "tester" && e.Target == SlowTickGame.Type && e.After.TickRateHz == 10);
        }
        finally
        {
            await SlowType.Reset("tester");
        }
    }

    [Fact]
    public async Task InvalidChange_IsRefusedWithEveryBadField_AndChangesNothing()
    {
        var change = await SlowType.Update(new RoomConfigPatch
        {
            TickRateHz = 0,
            SnapshotEveryTicks = 100,
            Tunables = new Dictionary<string, double> { ["Gravity"] = 1 },
        }, "tester");

        Assert.False(change.Succeeded);
        Assert.Equal(["SnapshotEveryTicks", "TickRateHz", "Tunables.Gravity"], change.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("Room type 'slowtick': TickRateHz = 0 is out of range; allowed 1–120 Hz.", change.Errors["TickRateHz"]);
        Assert.Equal(2, (await SlowType.GetEffective())!.TickRateHz);
    }

    [Fact]
    public async Task RoomOverride_AppliesToThatRoomOnly_UntilReset()
    {
        var matchmaker = fixture.Client.GetGrain<IMatchmakerGrain>(SlowTickGame.Type);
        var roomId = (await matchmaker.FindRoom("settings-" + Guid.NewGuid().ToString("N")[..8], null)).RoomId!;
        var room = fixture.Client.GetGrain<IRoomGrain>(roomId);
        await room.Join("p2");

        var change = await SlowType.UpdateRoom(roomId, new RoomConfigPatch { MaxPlayers = 2 }, "tester");
        var overridden = await room.GetInfo();
        var reset = await SlowType.ResetRoom(roomId, "tester");
        var after = await room.GetInfo();

        Assert.True(change.Succeeded);
        // Config is what the room will run from its next tick on (the tick loop applies it at the boundary).
        Assert.Equal(2, overridden.Config.MaxPlayers);
        Assert.Equal(2, overridden.Overrides.MaxPlayers);
        Assert.Equal(4, (await SlowType.GetEffective())!.MaxPlayers);
        Assert.True(reset.Succeeded);
        Assert.Equal(4, after.Config.MaxPlayers);
        Assert.Null(after.Overrides.MaxPlayers);
        await WaitUntilAsync(async () => (await room.GetInfo()).MaxPlayers == 4);
    }

    [Fact]
    public async Task ChangesWhileRoomsOpen_DoNotWaitOnEachOther()
    {
        // A change pushes to rooms listed by the matchmaker while the matchmaker opens rooms that ask the type for
        // their settings: without interleaving reads these calls would wait on each other until the call timeout.
        var matchmaker = fixture.Client.GetGrain<IMatchmakerGrain>(SlowTickGame.Type);
        var clock = Stopwatch.StartNew();
        try
        {
            var work = Enumerable.Range(0, 12).Select(async i =>
            {
                if (i % 3 == 0)
                {
                    Assert.True((await SlowType.Update(new RoomConfigPatch { EmptyRoomGraceSeconds = 5 + i }, "tester")).Succeeded);
                }
                else
                {
                    var roomId = (await matchmaker.FindRoom("settings-" + Guid.NewGuid().ToString("N")[..8], null)).RoomId!;
                    await fixture.Client.GetGrain<IRoomGrain>(roomId).Join($"p-{i}");
                }
            });
            await Task.WhenAll(work).WaitAsync(s_timeout);
        }
        finally
        {
            await SlowType.Reset("tester");
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition) => Eventually.TrueAsync(condition, s_timeout);
}

internal static class CollectionExtensions
{
    public static bool IsEmpty<T>(this IReadOnlyCollection<T> items) => items.Count == 0;
}
