using System.Diagnostics;
using GameServer.Abstractions;
using GameServer.Protocol.Arena;
using GameServer.Simulation.Games.Arena;
using MessagePack;

namespace GameServer.Grains.Tests;

[Collection(ClusterCollection.Name)]
[CheckLogs]
public sealed class RoomGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    private IRoomGrain NewRoom(string type) => fixture.Client.GetGrain<IRoomGrain>(RoomIds.New(type));

    [Fact]
    public async Task Join_FirstPlayer_StartsTickingAtTheRoomsRate()
    {
        var room = NewRoom(ArenaGame.Type);
        var joined = await room.Join("p1");
        Assert.Equal(JoinStatus.Joined, joined.Status);
        Assert.Equal(20, joined.TickRateHz);

        // Measure over a window long enough that timer jitter averages out; the bound is generous on purpose.
        await WaitUntilAsync(async () => (await room.GetInfo()).Tick >= 2);
        var start = await room.GetInfo();
        var clock = Stopwatch.StartNew();
        await WaitUntilAsync(async () => (await room.GetInfo()).Tick >= start.Tick + 40);
        var end = await room.GetInfo();
        var rate = (end.Tick - start.Tick) / clock.Elapsed.TotalSeconds;

        Assert.InRange(rate, 14, 26);
    }

    [Fact]
    public async Task SubmitInputs_BetweenTicks_AreAppliedOnlyAtTheNextTick()
    {
        var room = NewRoom(SlowTickGame.Type);
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        var player = await room.Join("p1");
        var first = await collector.WaitForAsync(_ => true, s_timeout);

        await room.SubmitInputs(new InputBatch([Input(player.EntityId, 1, 7), Input(player.EntityId, 2, 8)]));
        var info = await room.GetInfo();

        // At 2 Hz, these two calls land within the same tick interval as long as the tick did not advance meanwhile.
        if (info.Tick == first.Tick)
        {
            Assert.Equal(0, info.InputsApplied);
        }
        var applied = await collector.WaitForAsync(s => s.AckFor(player.EntityId) == 2, s_timeout);
        Assert.Equal(2, SlowTickGame.AppliedCount(applied));
        Assert.True(applied.Tick > first.Tick);
        Assert.All(collector.Snapshots.Where(s => s.Tick <= first.Tick), s => Assert.Equal(0, SlowTickGame.AppliedCount(s)));
    }

    [Fact]
    public async Task Snapshot_WithTwoPlayers_CarriesEachPlayersLastProcessedInputSequence()
    {
        var room = NewRoom(ArenaGame.Type);
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        var a = await room.Join("a");
        var b = await room.Join("b");
        // Away from the nearer wall: the arena spawns anywhere, and a player pressed against a wall stops.
        var dx = ArenaState.Read((await collector.WaitForAsync(s => s.AckFor(b.EntityId) == 0 && ArenaState.Read(s.GameState).Length == 2, s_timeout)).GameState)
            .Single(e => e.EntityId == a.EntityId).X < 500 ? 1 : -1;
        var move = new ArenaInput(dx, 0).ToPayload();

        await room.SubmitInputs(new InputBatch([
            new PlayerInput(a.EntityId, 5, 0, move),
            new PlayerInput(b.EntityId, 6, 0, move),
            new PlayerInput(b.EntityId, 7, 0, move),
        ]));

        var snapshot = await collector.WaitForAsync(s => s.AckFor(a.EntityId) == 5 && s.AckFor(b.EntityId) == 7, s_timeout);
        var entities = ArenaState.Read(snapshot.GameState);
        Assert.Equal(2, entities.Length);
        Assert.Contains(entities, e => e.EntityId == a.EntityId && e.Vx == 200 * dx);
    }

    [Fact]
    public async Task Join_WhenRoomTypeIsUnknown_IsRefused()
    {
        var result = await fixture.Client.GetGrain<IRoomGrain>("nosuchgame:1").Join("p1");
        Assert.Equal(JoinStatus.UnknownRoomType, result.Status);
    }

    [Fact]
    public async Task Join_WhenRoomIsFull_IsRefusedWithRoomFull()
    {
        var room = NewRoom(SlowTickGame.Type);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(JoinStatus.Joined, (await room.Join($"p{i}")).Status);
        }
        Assert.Equal(JoinStatus.RoomFull, (await room.Join("p5")).Status);
    }

    [Fact]
    public async Task Join_ByAPlayerWhoHasASeat_TakesTheSeatOver_SameEntity_InputsCountingAfresh_OlderConnectionsInputsDropped()
    {
        var room = NewRoom(SlowTickGame.Type);
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        var first = await room.Join("twice");
        await room.SubmitInputs(new InputBatch([Input(first.EntityId, 1, 1, first.Generation), Input(first.EntityId, 2, 1, first.Generation)]));
        await collector.WaitForAsync(s => s.AckFor(first.EntityId) == 2, s_timeout);

        var second = await room.Join("twice");

        // One seat: the same entity, a new generation (the edges close the older connection) and a new resume token.
        Assert.Equal(JoinStatus.Joined, second.Status);
        Assert.Equal(first.EntityId, second.EntityId);
        Assert.Equal(first.Generation + 1, second.Generation);
        Assert.NotEqual(first.ResumeToken, second.ResumeToken);
        Assert.False(second.Resumed); // the new connection counts its inputs from 1
        Assert.Equal(1, (await room.GetInfo()).Players);
        await Eventually.TrueAsync(() => Task.FromResult(collector.SeatsResumed.Contains((first.EntityId, second.Generation))), s_timeout);

        // The older connection's inputs, still on their way, are dropped; the new one's count from 1.
        await room.SubmitInputs(new InputBatch([Input(first.EntityId, 3, 1, first.Generation)]));
        await room.SubmitInputs(new InputBatch([Input(second.EntityId, 1, 1, second.Generation)]));
        var after = await collector.WaitForAsync(s => s.AckFor(second.EntityId) == 1, s_timeout);
        // Applied by then: the first connection's two and the new one's first; the stale input (sent earlier) would make 4.
        Assert.Equal(3, SlowTickGame.AppliedCount(after));
        // The old token no longer resumes the seat; the new one does.
        Assert.Equal(JoinStatus.ResumeRejected, (await room.Resume("twice", first.ResumeToken)).Status);
        Assert.Equal(JoinStatus.Joined, (await room.Resume("twice", second.ResumeToken)).Status);
    }

    private static PlayerInput Input(int entityId, uint seq, int value, int generation) =>
        new(entityId, seq, 0, MessagePackSerializer.Serialize(value), generation);

    private static PlayerInput Input(int entityId, uint seq, int value) =>
        new(entityId, seq, 0, MessagePackSerializer.Serialize(value));

    private static Task WaitUntilAsync(Func<Task<bool>> condition) => Eventually.TrueAsync(condition, s_timeout);
}
