using BenchmarkDotNet.Attributes;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using GameServer.Simulation;
using GameServer.Simulation.Games.Arena;

namespace GameServer.Benchmarks;

/// <summary>The work a room does per tick with 8 players (WORKLOAD.md): apply 8 inputs, step, serialize one snapshot.</summary>
[MemoryDiagnoser]
public class TickPathBenchmarks
{
    private readonly byte[][] _payloads = new byte[8][];
    private RoomRuntime _runtime = null!;
    private byte[] _inputFrame = null!;
    private uint _seq;

    [GlobalSetup]
    public void Setup()
    {
        var game = new ArenaGame();
        _runtime = new RoomRuntime(game.CreateRoom(new GameRoomContext("arena:bench", 42, game.DefaultSettings)), game.DefaultSettings);
        for (var i = 0; i < 8; i++)
        {
            _runtime.Join();
            _payloads[i] = new ArenaInput(0.5f - (i * 0.1f), 0.3f).ToPayload();
        }
        _inputFrame = MessageCodec.Encode(new Input(1, 100, _payloads[0]));
    }

    [Benchmark(Description = "room tick: 8 inputs + step + snapshot")]
    public byte[] RoomTick()
    {
        _seq++;
        for (var i = 0; i < 8; i++)
        {
            _runtime.Enqueue(i + 1, _seq, _payloads[i]);
        }
        _runtime.Step();
        return _runtime.WriteSnapshot((uint)_seq);
    }

    /// <summary>Once a second per room: what a checkpoint costs the room's turn before the storage write.</summary>
    [Benchmark(Description = "room checkpoint: save 8 players' state")]
    public RuntimeCheckpoint SaveCheckpoint() => _runtime.SaveCheckpoint();

    [Benchmark(Description = "edge: decode one input frame")]
    public ClientMessage DecodeInput() => MessageCodec.DecodeClient(_inputFrame);
}
