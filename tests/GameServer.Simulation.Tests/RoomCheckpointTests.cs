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
