using System.Buffers;
using GameServer.Protocol.Arena;
using GameServer.Simulation.Games.Arena;
using MessagePack;

namespace GameServer.Simulation.Tests;

/// <summary>A room saved and restored carries on as if nothing happened: same tick, entities, sequences and game state.</summary>
public class RoomCheckpointTests
{
    private static readonly RoomSettings Settings = new ArenaGame().DefaultSettings;

    [Fact]
    public void ARestoredArenaRoom_ProducesTheSameSnapshotsAsTheOriginalFromThere()
    {
        var game = new ArenaGame(new ArenaTunables { AccelerationPerSec2 = 300 });
        var original = new RoomRuntime(game.CreateRoom(new GameRoomContext("arena:a", 7, Settings)), Settings);
        var a = original.Join()!.Value;
        var b = original.Join()!.Value;
        original.Enqueue(a, 3, new ArenaInput(1, 0.5f).ToPayload());
        original.Enqueue(b, 9, new ArenaInput(-1, 0).ToPayload());
        for (var i = 0; i < 10; i++)
        {
            original.Step();
        }

        var checkpoint = original.SaveCheckpoint();
        // A different seed on purpose: the restored state must come from the checkpoint, not from re-running the game.
        var restored = RoomRuntime.Restore(game.CreateRoom(new GameRoomContext("arena:a", 99, Settings)), Settings, checkpoint);

        Assert.Equal(original.Tick, restored.Tick);
        Assert.Equal(2, restored.PlayerCount);
        Assert.Equal(3u, restored.LastProcessedSeq(a));
        Assert.Equal(9u, restored.LastProcessedSeq(b));
        // Mid-acceleration: velocities and targets must both survive for the next steps to match.
        for (var i = 0; i < 5; i++)
        {
            original.Step();
            restored.Step();
            Assert.Equal(original.WriteSnapshot(0), restored.WriteSnapshot(0));
        }
    }

    [Fact]
    public void ARestoredArenaRoom_DrawsTheSameRandomNumbers_SoALaterJoinSpawnsWhereItWouldHave()
    {
        var game = new ArenaGame();
        ArenaRoom NewRoom() => (ArenaRoom)game.CreateRoom(new GameRoomContext("arena:r", 7, Settings));
        var originalRoom = NewRoom();
        var original = new RoomRuntime(originalRoom, Settings);
        original.Join();
        original.Join();
        original.Step();
        var checkpoint = original.SaveCheckpoint();

        var restored = RoomRuntime.Restore(NewRoom(), Settings, checkpoint);
        // What a room whose random source went back to the seed would give the third player: the first spawn again.
        var fromSeed = NewRoom();
        fromSeed.OnJoin(3);
        original.Join();
        restored.Join();
        original.Step();
        restored.Step();

        Assert.Equal(original.WriteSnapshot(0), restored.WriteSnapshot(0));
        var third = originalRoom.Bodies[2];
        Assert.NotEqual((third.X, third.Y), (fromSeed.Bodies[0].X, fromSeed.Bodies[0].Y));
    }

    [Fact]
    public void AnArenaCheckpointFromBeforeTheRandomStateWasSaved_StillRestoresItsBodies()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(8);
        writer.Write(1);
        writer.Write(10f);
        writer.Write(20f);
        writer.Write(1f);
        writer.Write(2f);
        writer.Write(3f);
        writer.Write(4f);
        writer.Write((byte)90);
        writer.Flush();
        var checkpoint = new RuntimeCheckpoint(5, 2, [new PlayerProgress(1, 0)], buffer.WrittenSpan.ToArray());
        var room = (ArenaRoom)new ArenaGame().CreateRoom(new GameRoomContext("arena:old", 1, Settings));

        RoomRuntime.Restore(room, Settings, checkpoint);

        var body = Assert.Single(room.Bodies);
        Assert.Equal((1, 10f, 20f, 1f, 2f, 3f, 4f, (byte)90), (body.EntityId, body.X, body.Y, body.Vx, body.Vy, body.TargetVx, body.TargetVy, body.Hp));
    }

    [Fact]
    public void GameRandom_ContinuedFromItsState_DrawsWhatTheOriginalDraws()
    {
        var original = new GameRandom(42);
        for (var i = 0; i < 10; i++)
        {
            original.NextUInt64();
        }
        var continued = GameRandom.FromState(original.State);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(original.NextUInt64(), continued.NextUInt64());
        }
        Assert.Equal(new GameRandom(42).NextDouble(), new GameRandom(42).NextDouble());
        Assert.NotEqual(new GameRandom(42).NextUInt64(), new GameRandom(43).NextUInt64());
    }

    [Fact]
    public void GameRandom_StaysInItsRanges_AndSpreadsOverThem()
    {
        var random = new GameRandom(1);
        var buckets = new int[10];
        for (var i = 0; i < 10_000; i++)
        {
            var d = random.NextDouble();
            Assert.InRange(d, 0.0, 0.9999999999);
            var f = random.NextSingle();
            Assert.InRange(f, 0f, 0.99999994f);
            buckets[random.Next(10)]++;
        }
        // A fixed seed, so this is exact every run: every bucket within 10 % of the expected 1,000.
        Assert.All(buckets, count => Assert.InRange(count, 900, 1100));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.Next(0));
    }

    [Fact]
    public void ARestoredRoom_GivesNewPlayersEntityIdsNoSeatedPlayerHas()
    {
        var original = new RoomRuntime(new RecordingGameRoom(), Settings);
        var first = original.Join()!.Value;
        var second = original.Join()!.Value;
        original.Leave(first);

        var restored = RoomRuntime.Restore(new RecordingGameRoom(), Settings, original.SaveCheckpoint());
        var third = restored.Join()!.Value;

        Assert.NotEqual(first, third);
        Assert.NotEqual(second, third);
        Assert.True(restored.Contains(second));
        Assert.False(restored.Contains(first));
    }

    [Fact]
    public void Restore_HandsTheGameItsSavedStateWithoutReplayingJoins()
    {
        var original = new RoomRuntime(new RecordingGameRoom(), Settings);
        original.Join();
        original.Step();
        var game = new RecordingGameRoom();

        RoomRuntime.Restore(game, Settings, original.SaveCheckpoint());

        Assert.Equal(["join:1", "step:1", "restore"], game.Events);
    }

    [Fact]
    public void ACorruptArenaCheckpoint_IsRefusedWithAClearError()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(3);
        writer.Write(1);
        writer.Write(2f);
        writer.Write(3f);
        writer.Flush();
        var checkpoint = new RuntimeCheckpoint(5, 2, [new PlayerProgress(1, 0)], buffer.WrittenSpan.ToArray());
        var room = new ArenaGame().CreateRoom(new GameRoomContext("arena:x", 1, Settings));

        var ex = Assert.Throws<MessagePackSerializationException>(() => RoomRuntime.Restore(room, Settings, checkpoint));
        Assert.Contains("8 fields", ex.Message, StringComparison.Ordinal);
    }
}
