using GameServer.Abstractions;
using GameServer.Protocol.Arena;
using GameServer.Simulation.Games.Arena;
using Orleans.Core.Internal;

namespace GameServer.Grains.Tests;

/// <summary>Seats that wait for a resume, resume tokens, and rooms that continue from their checkpoint in a new activation.</summary>
[Collection(ClusterCollection.Name)]
[CheckLogs]
public sealed class RoomRecoveryTests(ClusterFixture fixture)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private IRoomGrain NewRoom(string type) => fixture.Client.GetGrain<IRoomGrain>(RoomIds.New(type));

    [Fact]
    public async Task Resume_WithTheSeatsToken_GivesTheSameEntityANewTokenAndTellsTheEdges()
    {
        var room = NewRoom(ArenaGame.Type);
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        var joined = await room.Join("p1");
        await room.Disconnect(joined.EntityId, joined.Generation);

        var resumed = await room.Resume("p1", joined.ResumeToken);

        Assert.Equal(JoinStatus.Joined, resumed.Status);
        Assert.True(resumed.Resumed);
        Assert.Equal(joined.EntityId, resumed.EntityId);
        Assert.Equal(joined.Generation + 1, resumed.Generation);
        Assert.NotEqual(joined.ResumeToken, resumed.ResumeToken);
        Assert.Equal(30, resumed.ReconnectGraceSeconds);
        Assert.Equal(1, (await room.GetInfo()).Players);
        await Eventually.TrueAsync(() => Task.FromResult(collector.SeatsResumed.Contains((joined.EntityId, resumed.Generation))), s_timeout);
    }

    [Fact]
    public async Task Resume_WithAWrongOrReplacedToken_IsRejected_AndAnotherPlayerCannotUseIt()
    {
        var room = NewRoom(ArenaGame.Type);
        var joined = await room.Join("p1");

        Assert.Equal(JoinStatus.ResumeRejected, (await room.Resume("p1", "not-the-token")).Status);
        // Bound to the player: someone else holding p1's token has no seat here.
        Assert.Equal(JoinStatus.ResumeExpired, (await room.Resume("p2", joined.ResumeToken)).Status);
        var resumed = await room.Resume("p1", joined.ResumeToken);
        Assert.Equal(JoinStatus.Joined, resumed.Status);
        // Each resume replaces the token: the old one is spent.
        Assert.Equal(JoinStatus.ResumeRejected, (await room.Resume("p1", joined.ResumeToken)).Status);
    }

    [Fact]
    public async Task Disconnect_KeepsTheSeatForTheGraceWindow_ThenReleasesIt()
    {
        var room = NewRoom(SlowTickGame.Type);
        Assert.True((await room.SetOverrides(new RoomConfigPatch { ReconnectGraceSeconds = 1 })).Succeeded);
        var stays = await room.Join("stays");
        var leaves = await room.Join("leaves");

        await room.Disconnect(leaves.EntityId, leaves.Generation);
        var info = await room.GetInfo();
        Assert.Equal(2, info.Players);
        Assert.Equal(1, info.Recovery!.DisconnectedSeats);

        await Eventually.TrueAsync(async () => (await room.GetInfo()).Players == 1, s_timeout);
        var expired = await room.Resume("leaves", leaves.ResumeToken);
        Assert.Equal(JoinStatus.ResumeExpired, expired.Status);
        Assert.Equal(JoinStatus.Joined, (await room.Resume("stays", stays.ResumeToken)).Status);
    }

    [Fact]
    public async Task Disconnect_FromASessionThatWasResumedElsewhere_IsIgnored()
    {
        var room = NewRoom(ArenaGame.Type);
        var joined = await room.Join("p1");
        var resumed = await room.Resume("p1", joined.ResumeToken);

        // The stale connection's late goodbye names the old generation.
        await room.Disconnect(joined.EntityId, joined.Generation);

        Assert.Equal(0, (await room.GetInfo()).Recovery!.DisconnectedSeats);
        await room.Disconnect(resumed.EntityId, resumed.Generation);
        Assert.Equal(1, (await room.GetInfo()).Recovery!.DisconnectedSeats);
    }

    [Fact]
    public async Task ARoomThatDeactivatesWithPlayers_ContinuesFromItsExactTick_WithSeatsTokensAndGameState()
    {
        var room = NewRoom(ArenaGame.Type);
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        var a = await room.Join("a");
        var b = await room.Join("b");
        // Away from the nearer wall, so a is still moving when the room comes back (a player pressed against a wall stops).
        var spawn = ArenaState.Read((await collector.WaitForAsync(s => ArenaState.Read(s.GameState).Length == 2, s_timeout)).GameState)
            .Single(e => e.EntityId == a.EntityId);
        var dx = spawn.X < 500 ? 1 : -1;
        var move = new ArenaInput(dx, 0).ToPayload();
        await room.SubmitInputs(new InputBatch([new PlayerInput(a.EntityId, 41, 0, move), new PlayerInput(b.EntityId, 7, 0, move)]));
        await collector.WaitForAsync(s => s.AckFor(a.EntityId) == 41 && s.AckFor(b.EntityId) == 7, s_timeout);

        // What a silo does to its grains when it shuts down: deactivate. The room hands over instead of closing.
        await room.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.TrueAsync(() => Task.FromResult(collector.MovingNotices > 0), s_timeout);
        // One-way messages may overtake each other: the newest snapshot is the highest tick, not the last to arrive.
        var lastBefore = collector.Snapshots.MaxBy(s => s.Tick)!;

        // Any call re-activates it; edges re-subscribe, which is what they do on the "moving" notice.
        await room.Subscribe(subscription.Observer);
        var info = await room.GetInfo();
        // The exact tick the old activation reached (a snapshot still in flight at the notice may be one newer).
        Assert.InRange(info.Recovery!.RestoredFromTick, lastBefore.Tick, lastBefore.Tick + 1);
        Assert.Equal(2, info.Players);
        var after = await collector.WaitForAsync(s => s.Tick > lastBefore.Tick, s_timeout);
        Assert.Equal(41u, after.AckFor(a.EntityId));
        Assert.Equal(7u, after.AckFor(b.EntityId));
        // The game continued from its state, not from a new game: positions moved on by at most a few steps.
        var before = ArenaState.Read(lastBefore.GameState).Single(e => e.EntityId == a.EntityId);
        var now = ArenaState.Read(after.GameState).Single(e => e.EntityId == a.EntityId);
        Assert.Equal(200 * dx, before.Vx);
        if (now.X is > 0 and < 1000)
        {
            Assert.Equal(before.Vx, now.Vx); // still running, unless a slow machine let it reach the far wall
        }
        Assert.InRange((now.X - before.X) * dx, 0, 200 * 0.05 * (after.Tick - lastBefore.Tick) + 1);
        // Seats came back with their tokens.
        var resumed = await room.Resume("a", a.ResumeToken);
        Assert.Equal(JoinStatus.Joined, resumed.Status);
        Assert.Equal(a.EntityId, resumed.EntityId);
    }

    [Fact]
    public async Task ARoomSavesCheckpointsWhileTicking()
    {
        var room = NewRoom(ArenaGame.Type);
        Assert.True((await room.SetOverrides(new RoomConfigPatch { CheckpointIntervalSeconds = 0.2 })).Succeeded);
        await room.Join("p1");

        await Eventually.TrueAsync(async () => (await room.GetInfo()).Recovery!.CheckpointsWritten >= 3, s_timeout);
        var info = await room.GetInfo();
        Assert.InRange(info.Recovery!.LastCheckpointTick, 1, info.Tick);
        Assert.Equal(-1, info.Recovery.RestoredFromTick);
    }

    [Fact]
    public async Task ARoomThatClosedEmpty_StartsANewGameNextTime()
    {
        var room = NewRoom(SlowTickGame.Type);
        var joined = await room.Join("p1");
        await Eventually.TrueAsync(async () => (await room.GetInfo()).Recovery!.CheckpointsWritten >= 1, s_timeout);
        await room.Leave(joined.EntityId);
        await room.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        // Wait for the deactivation to finish: a later call gets a new activation with no restore.
        await Eventually.TrueAsync(async () =>
        {
            var info = await room.GetInfo();
            return info.Tick == 0 && info.Players == 0;
        }, s_timeout);
        Assert.Equal(-1, (await room.GetInfo()).Recovery!.RestoredFromTick);
        Assert.Equal(JoinStatus.ResumeExpired, (await room.Resume("p1", joined.ResumeToken)).Status);
    }
}
