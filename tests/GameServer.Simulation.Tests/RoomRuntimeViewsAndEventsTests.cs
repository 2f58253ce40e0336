using GameServer.Protocol;
using MessagePack;

namespace GameServer.Simulation.Tests;

/// <summary>
/// The runtime's side of games beyond the arena: admission by join options, a state written per view (hidden
/// information) with per-view deltas, events numbered room-wide and delivered after their tick's snapshot, kicks and
/// closing the room. Driven through <see cref="ViewsTestGame"/>; frames are read back with the protocol's own codec.
/// </summary>
public class RoomRuntimeViewsAndEventsTests
{
    private static readonly RoomSettings Settings = new() { MaxPlayers = 4 };

    // ---- Admission ----

    [Fact]
    public void Join_WhenTheGameAdmits_GivesTheViewAndRoleItChoseAndPassesTheOptions()
    {
        var (runtime, game) = NewRoom();
        var options = ViewsTestGame.Str("red");

        var first = runtime.Join("alice", options);
        var second = runtime.Join("bob", default);

        Assert.Equal(new JoinOutcome(JoinOutcomeStatus.Joined, 1, 2, "team2", null), first);
        Assert.Equal(new JoinOutcome(JoinOutcomeStatus.Joined, 2, 1, "team1", null), second);
        Assert.Equal((1, "alice"), (game.Requests[0].EntityId, game.Requests[0].PlayerId));
        Assert.Equal(options, game.Requests[0].Options.ToArray());
        Assert.True(game.Requests[1].Options.IsEmpty);
        Assert.Equal((2, 1), (runtime.ViewOf(1), runtime.ViewOf(2)));
        Assert.Equal(0, runtime.ViewOf(99));
    }

    [Fact]
    public void Join_WhenTheGameRefuses_ReturnsItsReasonAndSeatsNobody()
    {
        var (runtime, game) = NewRoom();

        var refused = runtime.Join("mallory", ViewsTestGame.Str(ViewsTestGame.RefusedOption));
        var next = runtime.Join("bob", default);

        Assert.Equal(JoinOutcomeStatus.Refused, refused.Status);
        Assert.Equal(ViewsTestGame.RefusalReason, refused.Reason);
        Assert.Equal((0, 0, (string?)null), (refused.EntityId, refused.View, refused.Role));
        Assert.Equal(JoinOutcomeStatus.Joined, next.Status);
        Assert.Equal(1, runtime.PlayerCount);
        Assert.False(runtime.Contains(refused.EntityId));
        Assert.Equal(2, game.Requests.Count);
    }

    [Fact]
    public void Join_WhenTheRoomIsFull_AnswersFullWithoutAskingTheGame()
    {
        var (runtime, game) = NewRoom(Settings with { MaxPlayers = 1 });
        runtime.Join("alice", default);

        var outcome = runtime.Join("bob", ViewsTestGame.Str(ViewsTestGame.RefusedOption));

        Assert.Equal(JoinOutcomeStatus.Full, outcome.Status);
        Assert.Null(outcome.Reason);
        Assert.Single(game.Requests);
    }

    // ---- Views ----

    [Fact]
    public void WriteSnapshots_WritesEachViewWithPlayersOnceAndEachKeyframeHoldsOnlyWhatItsViewSees()
    {
        var (runtime, game) = NewRoom();
        JoinPlayers(runtime, 3); // entities 1 and 3 in view 2, entity 2 in view 1
        runtime.Step();

        var snapshot = runtime.WriteSnapshots(50);

        Assert.Equal(new[] { 1, 2 }, game.ViewWrites);
        Assert.Equal(new[] { 1, 2 }, snapshot.Views.Select(v => v.View));
        Assert.Equal(new[] { (2, 1) }, StateOf(snapshot.Views[0].Keyframe));
        Assert.Equal(new[] { (1, 1), (3, 1) }, StateOf(snapshot.Views[1].Keyframe));
        // Every view's frame acknowledges every player: acks are not hidden information.
        Assert.All(snapshot.Views, v => Assert.Equal(new uint[] { 1, 0, 2, 0, 3, 0 }, Decode<Snapshot>(v.Keyframe).Acks.ToArray()));
    }

    [Fact]
    public void WriteSnapshots_WhenAViewEmpties_StopsWritingItAndAnEmptyRoomWritesViewZeroOnce()
    {
        var (runtime, game) = NewRoom();
        JoinPlayers(runtime, 2);
        runtime.Step();
        runtime.WriteSnapshots(50);

        runtime.Leave(2);
        runtime.Step();
        game.ViewWrites.Clear();
        var oneView = runtime.WriteSnapshots(100);
        var afterOneView = game.ViewWrites.ToArray();

        runtime.Leave(1);
        runtime.Step();
        game.ViewWrites.Clear();
        var empty = runtime.WriteSnapshots(150);

        Assert.Equal(new[] { 2 }, afterOneView);
        Assert.Equal(2, Assert.Single(oneView.Views).View);
        Assert.Equal(new[] { 0 }, game.ViewWrites);
        Assert.Equal(0, Assert.Single(empty.Views).View);
        Assert.Empty(StateOf(empty.Keyframe));
    }

    [Fact]
    public void WriteSnapshots_EachViewsDelta_AppliedToThatViewsPreviousKeyframe_GivesItsNewKeyframe()
    {
        var (runtime, _) = NewRoom();
        JoinPlayers(runtime, 3);
        runtime.Step();
        var first = runtime.WriteSnapshots(50);
        runtime.Leave(3);
        runtime.Step();

        var second = runtime.WriteSnapshots(100);

        Assert.All(first.Views, v => Assert.Null(v.Delta));
        Assert.Equal(1, second.BaseTick);
        for (var i = 0; i < second.Views.Length; i++)
        {
            Assert.Equal(first.Views[i].View, second.Views[i].View);
            var delta = Decode<Delta>(second.Views[i].Delta!);
            var rebuilt = DeltaFormatter.Apply(Decode<Snapshot>(first.Views[i].Keyframe), delta, ViewsTestGame.ClientHalf.Instance);
            Assert.Equal(second.Views[i].Keyframe, MessageCodec.Encode(rebuilt));
        }
    }

    [Fact]
    public void WriteSnapshots_AViewThatWasNotInThePreviousSnapshot_HasNoDeltaWhileTheOthersDo()
    {
        var (runtime, _) = NewRoom();
        JoinPlayers(runtime, 1); // view 2 only
        runtime.Step();
        var first = runtime.WriteSnapshots(50);
        JoinPlayers(runtime, 1); // entity 2 opens view 1
        runtime.Step();

        var second = runtime.WriteSnapshots(100);

        Assert.Equal(2, Assert.Single(first.Views).View);
        Assert.Equal(new[] { 1, 2 }, second.Views.Select(v => v.View));
        Assert.Null(second.Views[0].Delta);
        var rebuilt = DeltaFormatter.Apply(Decode<Snapshot>(first.Keyframe), Decode<Delta>(second.Views[1].Delta!), ViewsTestGame.ClientHalf.Instance);
        Assert.Equal(second.Views[1].Keyframe, MessageCodec.Encode(rebuilt));
    }

    // ---- Events: numbering, ticks, delivery ----

    [Fact]
    public void Events_AreNumberedRoomWideInEmitOrder_AndStampedWithTheTickWhoseSnapshotFirstReflectsThem()
    {
        var (runtime, game) = NewRoom();
        game.DuringJoin = id => game.Room.Emit(EventTarget.Everyone, ViewsTestGame.Str($"joined {id}"));
        JoinPlayers(runtime, 1); // before tick 1: belongs to tick 1
        game.DuringNextStep = tick => game.Room.Emit(EventTarget.Everyone, ViewsTestGame.Str($"step {tick}"));
        runtime.Step();
        var first = runtime.WriteSnapshots(50);
        JoinPlayers(runtime, 1); // between tick 1 and tick 2: belongs to tick 2
        runtime.Step();

        var second = runtime.WriteSnapshots(100);

        var atTick1 = Decode<Events>(first.Views[0].Events!);
        Assert.Equal(1, atTick1.Tick);
        Assert.Equal(new[] { (1L, 1L, "joined 1"), (2L, 1L, "step 1") }, Items(atTick1));
        // Entity 2 (view 1) joined after the first snapshot: the event reaches both views, once each, at tick 2.
        Assert.All(second.Views, v => Assert.Equal(new[] { (3L, 2L, "joined 2") }, Items(Decode<Events>(v.Events!))));
        Assert.All(second.Views, v => Assert.Equal(2, Decode<Events>(v.Events!).Tick));
    }

    [Fact]
    public void Events_WhenSnapshotsAreEveryOtherTick_WaitForTheNextSnapshotAndTravelTogether()
    {
        var (runtime, game) = NewRoom(Settings with { SnapshotEveryTicks = 2 });
        JoinPlayers(runtime, 1);
        game.DuringNextStep = tick => game.Room.Emit(EventTarget.Everyone, ViewsTestGame.Str($"step {tick}"));
        runtime.Step();
        var snapshotAtTick1 = runtime.IsSnapshotTick;
        game.DuringNextStep = tick => game.Room.Emit(EventTarget.Everyone, ViewsTestGame.Str($"step {tick}"));
        runtime.Step();

        Assert.False(snapshotAtTick1);
        Assert.True(runtime.IsSnapshotTick);
        var events = Decode<Events>(runtime.WriteSnapshots(100).Views[0].Events!);
        Assert.Equal(2, events.Tick);
        Assert.Equal(new[] { (1L, 1L, "step 1"), (2L, 2L, "step 2") }, Items(events));
    }

    [Fact]
    public void Events_AreSentOnce_TheNextSnapshotWithoutNewEventsHasNone()
    {
        var (runtime, game) = NewRoom();
        JoinPlayers(runtime, 1);
        game.DuringNextStep = _ => game.Room.Emit(EventTarget.Everyone, ViewsTestGame.Str("once"));
        runtime.Step();
        var first = runtime.WriteSnapshots(50);
        runtime.Step();

        var second = runtime.WriteSnapshots(100);

        Assert.NotNull(first.Views[0].Events);
        Assert.Null(second.Views[0].Events);
        Assert.Null(second.PlayerEvents);
    }

    [Fact]
    public void Events_ReachEveryoneTheirViewOrTheirPlayer_AndAPlayerWithOwnEventsGetsOneFrameOfAllTheirsInOrder()
    {
        var (runtime, game) = NewRoom();
        JoinPlayers(runtime, 3); // 1 and 3 in view 2, 2 in view 1
        game.DuringNextStep = _ =>
        {
            game.Room.Emit(EventTarget.Everyone, ViewsTestGame.Str("all"));
            game.Room.Emit(EventTarget.ToView(2), ViewsTestGame.Str("view 2"));
            game.Room.Emit(EventTarget.ToPlayer(3), ViewsTestGame.Str("to 3"));
            game.Room.Emit(EventTarget.ToView(1), ViewsTestGame.Str("view 1"));
        };
        runtime.Step();

        var snapshot = runtime.WriteSnapshots(50);

        Assert.Equal(new[] { (1L, 1L, "all"), (4L, 1L, "view 1") }, Items(Decode<Events>(snapshot.Views[0].Events!)));
        Assert.Equal(new[] { (1L, 1L, "all"), (2L, 1L, "view 2") }, Items(Decode<Events>(snapshot.Views[1].Events!)));
        var own = Assert.Single(snapshot.PlayerEvents!);
        Assert.Equal(3, own.EntityId);
        Assert.Equal(new[] { (1L, 1L, "all"), (2L, 1L, "view 2"), (3L, 1L, "to 3") }, Items(Decode<Events>(own.Events)));
    }

    [Fact]
    public void Events_ForAViewWithNoneOfThem_LeaveThatViewWithoutAFrame()
    {
        var (runtime, game) = NewRoom();
        JoinPlayers(runtime, 2);
        game.DuringNextStep = _ => game.Room.Emit(EventTarget.ToView(1), ViewsTestGame.Str("view 1"));
        runtime.Step();

        var snapshot = runtime.WriteSnapshots(50);

        Assert.NotNull(snapshot.Views[0].Events);
        Assert.Null(snapshot.Views[1].Events);
        Assert.Null(snapshot.PlayerEvents);
    }

    [Fact]
    public void Emit_WithAnEmptyOrOversizedPayload_IsRefused()
    {
        var control = new RoomControl();

        Assert.Throws<ArgumentException>(() => control.Emit(EventTarget.Everyone, ReadOnlySpan<byte>.Empty));
        Assert.Throws<ArgumentException>(() => control.Emit(EventTarget.Everyone, new byte[RoomControl.MaxEventBytes + 1]));
    }

    // ---- Checkpoints ----

    [Fact]
    public void Restore_KeepsViewsEventNumbersAndEventsNotYetSent_SoNoneIsLostOrRenumbered()
    {
        var (runtime, game) = NewRoom();
        JoinPlayers(runtime, 2);
        game.DuringNextStep = _ => game.Room.Emit(EventTarget.Everyone, ViewsTestGame.Str("sent"));
        runtime.Step();
        runtime.WriteSnapshots(50);
        game.DuringNextStep = _ =>
        {
            game.Room.Emit(EventTarget.ToView(1), ViewsTestGame.Str("pending to view 1"));
            game.Room.Emit(EventTarget.ToPlayer(1), ViewsTestGame.Str("pending to 1"));
        };
        runtime.Step();
        var checkpoint = runtime.SaveCheckpoint(); // saved before tick 2's snapshot went out

        var control = new RoomControl();
        var restoredGame = new ViewsTestGame(control);
        var restored = RoomRuntime.Restore(restoredGame, Settings, checkpoint, control);
        restoredGame.DuringNextStep = _ => control.Emit(EventTarget.Everyone, ViewsTestGame.Str("after restore"));
        var snapshotAfterRestore = restored.WriteSnapshots(100);
        restored.Step();
        var next = restored.WriteSnapshots(150);

        Assert.Equal((2, 1), (restored.ViewOf(1), restored.ViewOf(2)));
        Assert.Equal(new[] { 1, 2 }, snapshotAfterRestore.Views.Select(v => v.View));
        Assert.Equal(new[] { (2, 2) }, StateOf(snapshotAfterRestore.Views[0].Keyframe));
        Assert.Equal(new[] { (2L, 2L, "pending to view 1") }, Items(Decode<Events>(snapshotAfterRestore.Views[0].Events!)));
        Assert.Null(snapshotAfterRestore.Views[1].Events);
        var own = Assert.Single(snapshotAfterRestore.PlayerEvents!);
        Assert.Equal(1, own.EntityId);
        Assert.Equal(new[] { (3L, 2L, "pending to 1") }, Items(Decode<Events>(own.Events)));
        Assert.All(next.Views, v => Assert.Equal(new[] { (4L, 3L, "after restore") }, Items(Decode<Events>(v.Events!))));
    }

    [Fact]
    public void Restore_OfACheckpointSavedRightAfterASnapshot_SendsNoEventTwice()
    {
        var (runtime, game) = NewRoom();
        JoinPlayers(runtime, 1);
        game.DuringNextStep = _ => game.Room.Emit(EventTarget.Everyone, ViewsTestGame.Str("sent"));
        runtime.Step();
        runtime.WriteSnapshots(50);
        var checkpoint = runtime.SaveCheckpoint();

        var control = new RoomControl();
        var restoredGame = new ViewsTestGame(control);
        var restored = RoomRuntime.Restore(restoredGame, Settings, checkpoint, control);
        var first = restored.WriteSnapshots(100);
        restoredGame.DuringNextStep = _ => control.Emit(EventTarget.Everyone, ViewsTestGame.Str("new"));
        restored.Step();
        var second = restored.WriteSnapshots(150);

        Assert.Equal(2, checkpoint.NextEventSeq);
        Assert.Empty(checkpoint.PendingEvents!);
        Assert.Null(first.Views[0].Events);
        Assert.Equal(new[] { (2L, 2L, "new") }, Items(Decode<Events>(second.Views[0].Events!)));
    }

    // ---- Kicks and closing ----

    [Fact]
    public void TakeKicks_ReturnsTheGamesKicksOnce()
    {
        var (runtime, game) = NewRoom();
        JoinPlayers(runtime, 2);
        game.DuringNextStep = _ =>
        {
            game.Room.Kick(2, "Cheating.");
            game.Room.Kick(1, "AFK.");
        };
        runtime.Step();

        var kicks = runtime.TakeKicks();
        var again = runtime.TakeKicks();

        Assert.Equal(new[] { (2, "Cheating."), (1, "AFK.") }, kicks);
        Assert.Empty(again);
        // The runtime reports kicks; the owner removes the players.
        Assert.Equal(2, runtime.PlayerCount);
    }

    [Fact]
    public void CloseReason_IsNullUntilTheGameClosesThenTheFirstReasonShortenedTo100Characters()
    {
        var (runtime, game) = NewRoom();
        JoinPlayers(runtime, 1);
        var before = runtime.CloseReason;
        game.DuringNextStep = _ =>
        {
            game.Room.Close(new string('x', 150));
            game.Room.Close("A later reason.");
        };
        runtime.Step();

        Assert.Null(before);
        Assert.Equal(new string('x', 100), runtime.CloseReason);
    }

    [Fact]
    public void KickAndClose_WithoutAReason_AreRefused()
    {
        var control = new RoomControl();

        Assert.ThrowsAny<ArgumentException>(() => control.Kick(1, " "));
        Assert.ThrowsAny<ArgumentException>(() => control.Close(""));
    }

    private static (RoomRuntime Runtime, ViewsTestGame Game) NewRoom(RoomSettings? settings = null)
    {
        var control = new RoomControl();
        var game = new ViewsTestGame(control);
        return (new RoomRuntime(game, settings ?? Settings, control), game);
    }

    private static void JoinPlayers(RoomRuntime runtime, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(JoinOutcomeStatus.Joined, runtime.Join($"p{runtime.PlayerCount + 1}", default).Status);
        }
    }

    private static T Decode<T>(byte[] frame)
        where T : ServerMessage => Assert.IsType<T>(MessageCodec.DecodeServer(frame));

    private static (int Id, int Score)[] StateOf(byte[] keyframe) => ViewsTestGame.ReadState(Decode<Snapshot>(keyframe).GameState);

    private static (long Seq, long Tick, string Payload)[] Items(Events events) =>
        events.Items.Select(e => (e.Seq, e.Tick, MessagePackSerializer.Deserialize<string>(e.Payload))).ToArray();
}
