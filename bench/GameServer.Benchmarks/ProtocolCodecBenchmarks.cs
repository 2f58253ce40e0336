using System.Buffers;
using BenchmarkDotNet.Attributes;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using MessagePack;

namespace GameServer.Benchmarks;

/// <summary>
/// <see cref="MessageCodec"/> on the frames that dominate traffic: an 8-player arena snapshot (server to every
/// client each tick), an arena input (client to edge, 20–60 a second) and a welcome (once per join).
/// </summary>
[MemoryDiagnoser]
public class ProtocolCodecBenchmarks
{
    private Snapshot _snapshot = null!;
    private Input _input = null!;
    private Welcome _welcome = null!;
    private byte[] _snapshotFrame = null!;
    private byte[] _inputFrame = null!;
    private byte[] _welcomeFrame = null!;

    [GlobalSetup]
    public void Setup()
    {
        var state = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(state);
        writer.WriteArrayHeader(8);
        var acks = new uint[16];
        for (var i = 0; i < 8; i++)
        {
            ArenaState.WriteEntity(ref writer, new ArenaEntity(i + 1, 100f + (i * 87.3f), 900f - (i * 61.7f), 141f - (i * 30f), -141f + (i * 25f), 100));
            acks[i * 2] = (uint)(i + 1);
            acks[(i * 2) + 1] = 1230u + (uint)i;
        }
        writer.Flush();
        _snapshot = new Snapshot(1234, 61_700, acks, state.WrittenSpan.ToArray());
        _input = new Input(1234, 1240, new ArenaInput(0.5f, -1f).ToPayload());
        _welcome = new Welcome("p-7", "arena:5f2c0a", "arena", 3, 20, 1, 1200, "q9Xc2LmA0sTt7VvB1nYwZg", 8, false, 30);
        _snapshotFrame = MessageCodec.Encode(_snapshot);
        _inputFrame = MessageCodec.Encode(_input);
        _welcomeFrame = MessageCodec.Encode(_welcome);
    }

    [Benchmark(Description = "codec: encode 8-player snapshot")]
    public byte[] EncodeSnapshot() => MessageCodec.Encode(_snapshot);

    [Benchmark(Description = "codec: decode 8-player snapshot")]
    public ServerMessage DecodeSnapshot() => MessageCodec.DecodeServer(_snapshotFrame);

    [Benchmark(Description = "codec: encode input")]
    public byte[] EncodeInput() => MessageCodec.Encode(_input);

    [Benchmark(Description = "codec: decode input")]
    public ClientMessage DecodeInput() => MessageCodec.DecodeClient(_inputFrame);

    [Benchmark(Description = "codec: encode welcome")]
    public byte[] EncodeWelcome() => MessageCodec.Encode(_welcome);

    [Benchmark(Description = "codec: decode welcome")]
    public ServerMessage DecodeWelcome() => MessageCodec.DecodeServer(_welcomeFrame);
}
