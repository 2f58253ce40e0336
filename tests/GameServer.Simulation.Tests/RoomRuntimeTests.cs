using GameServer.Protocol;
using GameServer.Protocol.Arena;
using GameServer.Simulation.Games.Arena;

namespace GameServer.Simulation.Tests;

public class RoomRuntimeTests
{
    private static readonly RoomSettings DefaultSettings = new();

    // ---- Joining and leaving ----

    [Fact]
    public void Join_WhenRoomHasSpace_ReturnsUniqueEntityIdsUntilMaxPlayersThenNull()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings with { MaxPlayers = 3 });

        var ids = new[] { runtime.Join(), runtime.Join(), runtime.Join() };
        var fourth = runtime.Join();

        Assert.All(ids, id => Assert.NotNull(id));
        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(id > 0));
        Assert.Null(fourth);
        Assert.Equal(3, runtime.PlayerCount);
        Assert.True(runtime.IsFull);
        Assert.Equal(ids.Select(id => $"join:{id}"), game.Events);
    }

    [Fact]
    public void Join_WhenAPlayerLeftAFullRoom_AdmitsANewPlayerWithAFreshEntityId()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings with { MaxPlayers = 2 });
        var first = runtime.Join()!.Value;
        var second = runtime.Join()!.Value;

        var left = runtime.Leave(first);
        var third = runtime.Join();

        Assert.True(left);
        Assert.NotNull(third);
        Assert.NotEqual(first, third);
        Assert.NotEqual(second, third);
        Assert.False(runtime.Contains(first));
        Assert.True(runtime.Contains(third.Value));
        Assert.Contains($"leave:{first}", game.Events);
    }

    [Fact]
    public void Leave_WhenPlayerNotInRoom_ReturnsFalseAndDoesNotCallGame()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings);
        var player = runtime.Join()!.Value;

        Assert.False(runtime.Leave(player + 100));
        Assert.True(runtime.Leave(player));
        Assert.False(runtime.Leave(player));
        Assert.Equal(1, game.Events.Count(e => e.StartsWith("leave:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Enqueue_WhenPlayerNotInRoom_ReturnsFalse()
    {
        var runtime = new RoomRuntime(new RecordingGameRoom(), DefaultSettings);

        Assert.False(runtime.Enqueue(1, 1, RecordingGameRoom.Payload(1)));
        Assert.Equal(0L, runtime.InputsDropped);
    }

    // ---- Applying inputs at tick boundaries ----

    [Fact]
    public void Step_WhenInputsEnqueued_AppliesThemOnlyAtTheTickBoundaryBeforeTheGameStep()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings);
        var player = runtime.Join()!.Value;

        Assert.True(runtime.Enqueue(player, 1, RecordingGameRoom.Payload(1)));
        Assert.True(runtime.Enqueue(player, 2, RecordingGameRoom.Payload(2)));

        Assert.Empty(game.Inputs);
        Assert.Equal(0u, runtime.LastProcessedSeq(player));
        Assert.Equal(0L, runtime.InputsApplied);

        runtime.Step();

        Assert.Equal(new[] { $"join:{player}", $"input:{player}:1", $"input:{player}:2", "step:1" }, game.Events);
        Assert.Equal(2u, runtime.LastProcessedSeq(player));
        Assert.Equal(2L, runtime.InputsApplied);
        Assert.Equal(1L, runtime.Tick);
    }

    [Fact]
    public void Step_WhenArenaInputEnqueued_LeavesStateUnchangedUntilStep()
    {
        var runtime = new RoomRuntime(new ArenaGame().CreateRoom(new GameRoomContext("arena:t", 1, DefaultSettings)), DefaultSettings);
        var player = runtime.Join()!.Value;
        var before = runtime.WriteSnapshot(0);

        runtime.Enqueue(player, 1, new ArenaInput(1f, 0f).ToPayload());
        var afterEnqueue = runtime.WriteSnapshot(0);
        runtime.Step();
        var entity = ArenaState.Read(DecodeSnapshot(runtime.WriteSnapshot(0)).GameState).Single();

        Assert.Equal(before, afterEnqueue);
        Assert.Equal(200f, entity.Vx);
    }

    [Fact]
    public void Step_WhenInputsEnqueuedOutOfOrder_AppliesThemInSequenceOrder()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings);
        var player = runtime.Join()!.Value;

        runtime.Enqueue(player, 3, RecordingGameRoom.Payload(3));
        runtime.Enqueue(player, 1, RecordingGameRoom.Payload(1));
        runtime.Enqueue(player, 2, RecordingGameRoom.Payload(2));
        runtime.Step();

        Assert.Equal(new byte[] { 1, 2, 3 }, game.ValuesFor(player));
        Assert.Equal(3u, runtime.LastProcessedSeq(player));
        Assert.Equal(0L, runtime.InputsStale);
    }

    [Fact]
    public void Step_WhenSeqNotNewerThanLastProcessed_CountsStaleAndDoesNotApply()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings);
        var player = runtime.Join()!.Value;
        runtime.Enqueue(player, 5, RecordingGameRoom.Payload(5));
        runtime.Step();

        runtime.Enqueue(player, 5, RecordingGameRoom.Payload(50)); // duplicate of a processed seq
        runtime.Enqueue(player, 3, RecordingGameRoom.Payload(30)); // late reorder
        runtime.Enqueue(player, 6, RecordingGameRoom.Payload(6));
        runtime.Enqueue(player, 6, RecordingGameRoom.Payload(60)); // duplicate within one tick
        runtime.Enqueue(player, 0, RecordingGameRoom.Payload(0)); // seq 0 is never processed
        runtime.Step();

        Assert.Equal(new byte[] { 5, 6 }, game.ValuesFor(player));
        Assert.Equal(4L, runtime.InputsStale);
        Assert.Equal(2L, runtime.InputsApplied);
        Assert.Equal(6u, runtime.LastProcessedSeq(player));
    }

    [Fact]
    public void Enqueue_WhenQueueFull_DropsTheOldestAndCountsInputsDropped()
    {
        const int capacity = 4;
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings with { InputQueueCapacity = capacity });
        var player = runtime.Join()!.Value;

        for (uint seq = 1; seq <= capacity + 5; seq++)
        {
            Assert.True(runtime.Enqueue(player, seq, RecordingGameRoom.Payload(seq)));
        }
        runtime.Step();

        Assert.Equal(5L, runtime.InputsDropped);
        Assert.Equal(new byte[] { 6, 7, 8, 9 }, game.ValuesFor(player));
        Assert.Equal(9u, runtime.LastProcessedSeq(player));
    }

    [Fact]
    public void Enqueue_WhenQueueFullWithDescendingSeqs_DropsOldestByArrivalAndAppliesRestInSeqOrder()
    {
        // Arrival order 9, 8, …, 1 with room for 4: the first five to arrive (9…5) are dropped, 4…1 remain.
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings with { InputQueueCapacity = 4 });
        var player = runtime.Join()!.Value;

        for (uint seq = 9; seq >= 1; seq--)
        {
            runtime.Enqueue(player, seq, RecordingGameRoom.Payload(seq));
        }
        runtime.Step();

        Assert.Equal(5L, runtime.InputsDropped);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, game.ValuesFor(player));
        Assert.Equal(4u, runtime.LastProcessedSeq(player));
    }

    [Fact]
    public void Step_AfterQueueWrappedAround_StartsTheNextTickWithAnEmptyQueue()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings with { InputQueueCapacity = 3 });
        var player = runtime.Join()!.Value;
        for (uint seq = 1; seq <= 5; seq++)
        {
            runtime.Enqueue(player, seq, RecordingGameRoom.Payload(seq));
        }
        runtime.Step();

        runtime.Enqueue(player, 7, RecordingGameRoom.Payload(7));
        runtime.Enqueue(player, 6, RecordingGameRoom.Payload(6));
        runtime.Step();

        Assert.Equal(new byte[] { 3, 4, 5, 6, 7 }, game.ValuesFor(player));
        Assert.Equal(2L, runtime.InputsDropped);
        Assert.Equal(7u, runtime.LastProcessedSeq(player));
    }

    [Fact]
    public void Step_WhenGameRejectsInput_CountsRejectedButStillAcknowledgesSeq()
    {
        var game = new RecordingGameRoom { Accept = payload => payload[0] != 2 };
        var runtime = new RoomRuntime(game, DefaultSettings);
        var player = runtime.Join()!.Value;

        runtime.Enqueue(player, 1, RecordingGameRoom.Payload(1));
        runtime.Enqueue(player, 2, RecordingGameRoom.Payload(2));
        runtime.Step();

        Assert.Equal(1L, runtime.InputsApplied);
        Assert.Equal(1L, runtime.InputsRejected);
        Assert.Equal(2u, runtime.LastProcessedSeq(player));
        Assert.Equal(2u, DecodeSnapshot(runtime.WriteSnapshot(0)).AckFor(player));
    }

    [Fact]
    public void Step_WhenSeveralPlayersQueueInputs_KeepsEachPlayersQueueAndAckSeparate()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings);
        var a = runtime.Join()!.Value;
        var b = runtime.Join()!.Value;

        runtime.Enqueue(b, 10, RecordingGameRoom.Payload(10));
        runtime.Enqueue(a, 2, RecordingGameRoom.Payload(2));
        runtime.Enqueue(a, 1, RecordingGameRoom.Payload(1));
        runtime.Step();

        Assert.Equal(new byte[] { 1, 2 }, game.ValuesFor(a));
        Assert.Equal(new byte[] { 10 }, game.ValuesFor(b));
        Assert.Equal(2u, runtime.LastProcessedSeq(a));
        Assert.Equal(10u, runtime.LastProcessedSeq(b));
    }

    [Fact]
    public void Step_PassesTheFixedDtAndTheTickBeingProduced()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings with { TickRateHz = 20 });

        runtime.Step();
        runtime.Step();
        runtime.UpdateSettings(DefaultSettings with { TickRateHz = 50 });
        runtime.Step();

        Assert.Equal(new long[] { 1, 2, 3 }, game.Steps.Select(s => s.Tick));
        Assert.Equal(0.05f, game.Steps[0].DtSeconds, 1e-6f);
        Assert.Equal(0.05f, game.Steps[1].DtSeconds, 1e-6f);
        Assert.Equal(0.02f, game.Steps[2].DtSeconds, 1e-6f);
        Assert.Equal(3L, runtime.Tick);
    }

    [Fact]
    public void LastProcessedSeq_WhenPlayerAbsent_ReturnsZero()
    {
        var runtime = new RoomRuntime(new RecordingGameRoom(), DefaultSettings);

        Assert.Equal(0u, runtime.LastProcessedSeq(42));
    }

    // ---- Snapshots ----

    [Fact]
    public void WriteSnapshot_DecodesToSnapshotWithTickTimeAndAckForEachPlayer()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings);
        var a = runtime.Join()!.Value;
        var b = runtime.Join()!.Value;
        var c = runtime.Join()!.Value;
        runtime.Enqueue(a, 5, RecordingGameRoom.Payload(5));
        runtime.Enqueue(b, 9, RecordingGameRoom.Payload(9));
        runtime.Step();
        runtime.Step();

        var snapshot = DecodeSnapshot(runtime.WriteSnapshot(1234));

        Assert.Equal(2L, snapshot.Tick);
        Assert.Equal(1234u, snapshot.ServerTimeMs);
        Assert.Equal(6, snapshot.Acks.Length);
        Assert.Equal(5u, snapshot.AckFor(a));
        Assert.Equal(9u, snapshot.AckFor(b));
        Assert.Equal(0u, snapshot.AckFor(c));
        Assert.Equal(new byte[] { 0x02 }, snapshot.GameState.ToArray()); // the recording game's state: 2 steps
    }

    [Fact]
    public void WriteSnapshot_WhenMorePlayersThanTheInitialAckBuffer_IncludesEveryPlayer()
    {
        var runtime = new RoomRuntime(new RecordingGameRoom(), DefaultSettings with { MaxPlayers = 40 });
        var players = Enumerable.Range(0, 40).Select(_ => runtime.Join()!.Value).ToArray();
        foreach (var player in players)
        {
            runtime.Enqueue(player, (uint)player + 1, RecordingGameRoom.Payload(1));
        }
        runtime.Step();

        var snapshot = DecodeSnapshot(runtime.WriteSnapshot(0));

        Assert.Equal(80, snapshot.Acks.Length);
        Assert.All(players, player => Assert.Equal((uint)player + 1, snapshot.AckFor(player)));
    }

    [Fact]
    public void WriteSnapshot_WhenPlayerLeft_OmitsTheirAck()
    {
        var runtime = new RoomRuntime(new RecordingGameRoom(), DefaultSettings);
        var a = runtime.Join()!.Value;
        var b = runtime.Join()!.Value;
        runtime.Leave(a);
        runtime.Step();

        var snapshot = DecodeSnapshot(runtime.WriteSnapshot(0));

        Assert.Equal(new[] { (uint)b, 0u }, snapshot.Acks.ToArray());
    }

    [Fact]
    public void WriteSnapshot_WithArenaGame_CarriesEveryEntityInTheGameState()
    {
        var settings = new ArenaGame().DefaultSettings;
        var runtime = new RoomRuntime(new ArenaGame().CreateRoom(new GameRoomContext("arena:t", 3, settings)), settings);
        var a = runtime.Join()!.Value;
        var b = runtime.Join()!.Value;
        runtime.Enqueue(a, 1, new ArenaInput(0f, 1f).ToPayload());
        runtime.Step();

        var snapshot = DecodeSnapshot(runtime.WriteSnapshot(50));
        var entities = ArenaState.Read(snapshot.GameState);

        Assert.Equal(new[] { a, b }, entities.Select(e => e.EntityId).Order());
        Assert.Equal(1u, snapshot.AckFor(a));
        Assert.Equal(0u, snapshot.AckFor(b));
    }

    [Fact]
    public void IsSnapshotTick_WhenSnapshotEveryThreeTicks_IsTrueOnMultiplesOfThree()
    {
        var runtime = new RoomRuntime(new RecordingGameRoom(), DefaultSettings with { SnapshotEveryTicks = 3 });
        var observed = new List<bool>();

        for (var i = 0; i < 9; i++)
        {
            runtime.Step();
            observed.Add(runtime.IsSnapshotTick);
        }

        Assert.Equal(new[] { false, false, true, false, false, true, false, false, true }, observed);
    }

    [Fact]
    public void Dispose_CallsTheGamesOnDispose()
    {
        var game = new RecordingGameRoom();
        var runtime = new RoomRuntime(game, DefaultSettings);

        runtime.Dispose();

        Assert.Equal(new[] { "dispose" }, game.Events);
    }

    private static Snapshot DecodeSnapshot(byte[] frame) => Assert.IsType<Snapshot>(MessageCodec.DecodeServer(frame));
}
