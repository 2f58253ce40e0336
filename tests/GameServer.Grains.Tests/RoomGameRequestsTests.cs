using GameServer.Abstractions;
using GameServer.Protocol;
using MessagePack;
using Orleans.Core.Internal;

namespace GameServer.Grains.Tests;

/// <summary>What a game asks of its room grain: admission by join options, views, events, kicks and ending the room.</summary>
[Collection(ClusterCollection.Name)]
[CheckLogs]
public sealed class RoomGameRequestsTests(ClusterFixture fixture)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private IRoomGrain NewRoom() => fixture.Client.GetGrain<IRoomGrain>(RoomIds.New(ScriptedGame.Type));

    [Fact]
    public async Task AJoinTheGameRefuses_IsRefusedWithTheGamesReason_AndTakesNoSeat()
    {
        var room = NewRoom();
        var refused = await room.Join("p1", ScriptedGame.Options("refuse"));

        Assert.Equal(JoinStatus.Refused, refused.Status);
        Assert.Equal("Not today.", refused.Reason);
        Assert.Equal(0, (await room.GetInfo()).Players);
        Assert.Equal(JoinStatus.Joined, (await room.Join("p1", ScriptedGame.Options("one"))).Status);
    }

    [Fact]
    public async Task EachPlayer_GetsTheViewAndRoleTheGameGave_AndEachViewIsInTheFrameOnce()
    {
        var room = NewRoom();
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        var one = await room.Join("a", ScriptedGame.Options("one"));
        var two = await room.Join("b", ScriptedGame.Options("two"));
        var alsoOne = await room.Join("c");

        Assert.Equal(("one", 1), (one.Role, one.View));
        Assert.Equal(("two", 2), (two.Role, two.View));
        Assert.Equal(("one", 1), (alsoOne.Role, alsoOne.View));
        // The room may tick between the joins: wait for a frame with all three in it.
        var frame = await WaitForFrameAsync(collector, f => f.For(2, two.EntityId) is { } view && StateOf(view.Bytes) == (2, 3));
        Assert.Equal((1, 3), StateOf(frame.For(1, one.EntityId)!.Bytes));
        Assert.Null(frame.For(0, 0)); // nobody is in view 0, so it is not written
        Assert.Single(frame.OtherViews!);
    }

    [Fact]
    public async Task Events_AreNumberedRoomWide_PrivateOnesReachOnlyTheirPlayer_AndAHandoverLosesOrRepeatsNone()
    {
        var room = NewRoom();
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        var a = await room.Join("a");
        var b = await room.Join("b");
        await room.Renew(subscription.Observer, [a.EntityId, b.EntityId]); // as the players' edge does once it listens
        await WaitForFrameAsync(collector, f => f.Tick > 10);

        // What a silo does to its grains when it shuts down; any call then re-activates the room from its handover.
        await room.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.TrueAsync(() => Task.FromResult(collector.MovingNotices > 0), s_timeout);
        await room.Subscribe(subscription.Observer);
        var restoredFrom = (await room.GetInfo()).Recovery!.RestoredFromTick;
        Assert.True(restoredFrom > 10, $"restored from tick {restoredFrom}");
        await WaitForFrameAsync(collector, f => f.Tick > restoredFrom + 10);

        // One-way messages may overtake each other: order the frames by tick (each tick once) as an edge does.
        var frames = collector.Frames.GroupBy(f => f.Tick).Select(g => g.First()).OrderBy(f => f.Tick).ToArray();
        var aEvents = frames.SelectMany(f => EventsOf(f.For(1, a.EntityId)!.Events)).ToArray();
        var bEvents = frames.SelectMany(f => EventsOf(f.For(1, b.EntityId)!.Events)).ToArray();
        Assert.Single(aEvents, e => GameEventKind.Of(e) == "hello");
        Assert.Equal(a.EntityId, Second(aEvents.Single(e => GameEventKind.Of(e) == "hello")));
        Assert.Equal(b.EntityId, Second(bEvents.Single(e => GameEventKind.Of(e) == "hello")));
        // Room-wide numbering: consecutive for the events everyone gets plus each one's own, with no gap or repeat
        // across the handover (the room saved its exact tick and unsent events).
        var ticks = aEvents.Where(e => GameEventKind.Of(e) == "tick").ToArray();
        Assert.Equal(ticks.Select(e => (long)Second(e)), ticks.Select(e => e.Tick));
        Assert.Equal(Enumerable.Range((int)ticks[0].Tick, ticks.Length).Select(t => (long)t), ticks.Select(e => e.Tick));
        Assert.Equal(aEvents.Select(e => e.Seq).Order(), aEvents.Select(e => e.Seq));
        Assert.Equal(aEvents.Length, aEvents.Select(e => e.Seq).Distinct().Count());
        var all = aEvents.Concat(bEvents).Select(e => e.Seq).Distinct().Order().ToArray();
        Assert.Equal(Enumerable.Range((int)all[0], all.Length).Select(s => (long)s), all);
        Assert.True(ticks[^1].Tick > restoredFrom, "events carried on after the handover");
    }

    [Fact]
    public async Task ANewSeatsEvents_WaitUntilAnEdgeSaysItListensForIt_ThenComeAllTogetherInOrder()
    {
        var room = NewRoom();
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        var listening = await room.Join("listening");
        await room.Renew(subscription.Observer, [listening.EntityId]);
        var late = await room.Join("late");
        var lateFrom = (await room.GetInfo()).Tick;
        await WaitForFrameAsync(collector, f => f.Tick > lateFrom + 5);

        // Until its edge listens, the late seat gets no events (they would reach no connection); the others get theirs.
        var before = collector.Frames.Where(f => f.Tick > lateFrom).ToArray();
        Assert.All(before, f => Assert.Null(f.For(1, late.EntityId)!.Events));
        Assert.Contains(before, f => f.For(1, listening.EntityId)!.Events is not null);

        await room.Renew(subscription.Observer, [listening.EntityId, late.EntityId]);
        var delivered = await WaitForFrameAsync(collector, f => f.For(1, late.EntityId)?.Events is not null);
        var events = EventsOf(delivered.For(1, late.EntityId)!.Events).ToArray();
        Assert.Equal("hello", GameEventKind.Of(events[0]));
        var ticks = events.Where(e => GameEventKind.Of(e) == "tick").Select(e => e.Tick).ToArray();
        Assert.True(ticks.Length >= 5, $"the ticks' events since the seat waited: {ticks.Length}");
        Assert.Equal(Enumerable.Range((int)ticks[0], ticks.Length).Select(t => (long)t), ticks);
        Assert.Equal(events.Select(e => e.Seq).Order(), events.Select(e => e.Seq));
    }

    [Fact]
    public async Task APlayerTheGameKicks_IsReleased_AndTheEdgesAreToldWhoAndWhy()
    {
        var room = NewRoom();
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        var stays = await room.Join("stays");
        var kicked = await room.Join("kicked");

        await room.SubmitInputs(new InputBatch([new PlayerInput(kicked.EntityId, 1, 0, MessagePackSerializer.Serialize(ScriptedGame.KickMe), kicked.Generation)]));

        await Eventually.TrueAsync(() => Task.FromResult(collector.Kicks.Contains((kicked.EntityId, kicked.Generation, "Out."))), s_timeout);
        Assert.Equal(1, (await room.GetInfo()).Players);
        Assert.Equal(JoinStatus.ResumeExpired, (await room.Resume("kicked", kicked.ResumeToken)).Status);
        var resumed = await room.Resume("stays", stays.ResumeToken);
        Assert.Equal(JoinStatus.Joined, resumed.Status);
        // The room tells the edges of the resume one-way: let it arrive before the test's observer goes away.
        await Eventually.TrueAsync(() => Task.FromResult(collector.SeatsResumed.Contains((stays.EntityId, resumed.Generation))), s_timeout);
    }

    [Fact]
    public async Task ARoomTheGameEnds_TellsTheEdgesWhy_AfterTheLastSnapshot_AndStartsAfreshNextTime()
    {
        var room = NewRoom();
        var collector = new SnapshotCollector();
        await using var subscription = await RoomSubscription.StartAsync(fixture.Client, room, collector);
        var player = await room.Join("p");

        await room.SubmitInputs(new InputBatch([new PlayerInput(player.EntityId, 1, 0, MessagePackSerializer.Serialize(ScriptedGame.EndRoom), player.Generation)]));

        await Eventually.TrueAsync(() => Task.FromResult(!collector.Closed.IsEmpty), s_timeout);
        Assert.Equal("Game over.", collector.Closed.Single().Reason);
        // The snapshot of the tick that ended it went out first, acknowledging the input.
        Assert.Contains(collector.Snapshots, s => s.AckFor(player.EntityId) == 1);
        // Nothing to restore: the next call finds a new, empty room.
        await Eventually.TrueAsync(async () => (await room.GetInfo()) is { Players: 0, Recovery.RestoredFromTick: -1 }, s_timeout);
    }

    private static async Task<SnapshotFrame> WaitForFrameAsync(SnapshotCollector collector, Func<SnapshotFrame, bool> condition)
    {
        SnapshotFrame? match = null;
        await Eventually.TrueAsync(() => Task.FromResult((match = collector.Frames.FirstOrDefault(condition)) is not null), s_timeout);
        return match!;
    }

    private static (int View, int Players) StateOf(byte[] frame)
    {
        var reader = new MessagePackReader(((Snapshot)MessageCodec.DecodeServer(frame)).GameState);
        reader.ReadArrayHeader();
        return (reader.ReadInt32(), reader.ReadInt32());
    }

    private static IEnumerable<GameEvent> EventsOf(byte[]? frame) => frame is null ? [] : ((Events)MessageCodec.DecodeServer(frame)).Items;

    private static int Second(GameEvent e)
    {
        var reader = new MessagePackReader(e.Payload);
        reader.ReadArrayHeader();
        reader.Skip();
        return reader.ReadInt32();
    }
}
