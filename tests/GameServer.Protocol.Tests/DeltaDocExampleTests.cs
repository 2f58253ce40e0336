using System.Buffers;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using MessagePack;

namespace GameServer.Protocol.Tests;

/// <summary>
/// docs/protocol.md's gameserver.v2 examples (§5.4b KeyframeRequest, §5.11 Delta): the bytes the code writes are the
/// page's hex, the page shows that hex, and the delta applied to the documented base gives the documented result.
/// </summary>
public class DeltaDocExampleTests
{
    private const string KeyframeRequestHex = "92 08 90";

    private const string DeltaHex =
        "92 10 95 cd 04 d3 cd 04 d2 cd f1 36 93 01 94 03 02 05 00 91 04 92 9d 01 03 47 d0 b9 03 05 64 cc c8 " +
        "05 13 cd 1b 58 cd 0b b8 64 91 04";

    private const string BaseHex =
        "92 0b 94 cd 04 d2 cd f1 04 98 01 cd 04 ce 02 cd 04 cd 03 cd 04 b1 04 cd 03 d1 94 96 01 cd 14 03 cd 03 6c cc 8d d1 ff 73 64 " +
        "96 02 00 cd 27 10 00 00 64 96 03 cd 09 c4 cd 09 c4 00 00 64 96 04 cd 23 28 cd 0f a0 00 cc c8 64";

    private const string ResultHex =
        "92 0b 94 cd 04 d3 cd f1 36 98 01 cd 04 cf 02 cd 04 ce 03 cd 04 b3 05 00 94 96 01 cd 14 4a cd 03 25 cc 8d d1 ff 73 64 " +
        "96 02 00 cd 27 10 00 00 64 96 03 cd 0a 28 cd 09 c4 cc c8 00 64 96 05 cd 1b 58 cd 0b b8 00 00 64";

    // The §5.11 example's table: tick 1234 (base) and tick 1235 (result).
    private static readonly uint[] s_baseAcks = { 1, 1230, 2, 1229, 3, 1201, 4, 977 };
    private static readonly uint[] s_resultAcks = { 1, 1231, 2, 1230, 3, 1203, 5, 0 };

    private static readonly ArenaWireEntity[] s_before =
    {
        new(1, 5123, 876, 141, -141, 100),
        new(2, 0, 10000, 0, 0, 100),
        new(3, 2500, 2500, 0, 0, 100),
        new(4, 9000, 4000, 0, 200, 100),
    };

    private static readonly ArenaWireEntity[] s_after =
    {
        new(1, 5194, 805, 141, -141, 100),
        new(2, 0, 10000, 0, 0, 100),
        new(3, 2600, 2500, 200, 0, 100),
        new(5, 7000, 3000, 0, 0, 100),
    };

    [Fact]
    public void DeltaExample_WrittenAsTheRoomRuntimeDoes_MatchesDocsHexDump()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        DeltaFormatter.WriteFrameHeader(ref writer, tick: 1235, baseTick: 1234, serverTimeMs: 61750, s_baseAcks, s_resultAcks);
        ArenaDelta.Write(ref writer, s_before, s_after);
        writer.Flush();

        Assert.Equal(Hex(DeltaHex), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void DeltaExample_Decoded_HasTheAnnotatedFields()
    {
        var delta = Assert.IsType<Delta>(MessageCodec.DecodeServer(Hex(DeltaHex)));

        Assert.Equal((1235L, 1234L, 61750u), (delta.Tick, delta.BaseTick, delta.ServerTimeMs));
        Assert.Equal(1u, delta.Acks.Step);
        Assert.Equal(new long[] { 3, 2, 5, 0 }, delta.Acks.Changes.ToArray());
        Assert.Equal(new uint[] { 4 }, delta.Acks.Removed.ToArray());
        // [updates, removed]: entity 1 x|y +71 -71; entity 3 x|vx +100 +200; entity 5 new x|y|hp 7000 3000 100; 4 removed.
        Assert.Equal(Hex("92 9d 01 03 47 d0 b9 03 05 64 cc c8 05 13 cd 1b 58 cd 0b b8 64 91 04"), delta.GameDelta.ToArray());
        // Re-encoding the decoded message gives the same frame.
        Assert.Equal(Hex(DeltaHex), MessageCodec.Encode(delta));
    }

    [Fact]
    public void DeltaExample_BaseAndResult_AreTheSnapshotsTheRoomWrites()
    {
        Assert.Equal(Hex(BaseHex), SnapshotOf(1234, 61700, s_baseAcks, s_before));
        Assert.Equal(Hex(ResultHex), SnapshotOf(1235, 61750, s_resultAcks, s_after));
    }

    [Fact]
    public void DeltaExample_AppliedToDocumentedBase_GivesDocumentedResult()
    {
        var baseSnapshot = Assert.IsType<Snapshot>(MessageCodec.DecodeServer(Hex(BaseHex)));
        var delta = Assert.IsType<Delta>(MessageCodec.DecodeServer(Hex(DeltaHex)));

        var result = DeltaFormatter.Apply(baseSnapshot, delta, ArenaDelta.Instance);

        Assert.Equal(Hex(ResultHex), MessageCodec.Encode(result));
        Assert.Equal(s_resultAcks, result.Acks.ToArray());
        Assert.Equal(s_after, ArenaState.ReadWire(result.GameState));
    }

    [Fact]
    public void KeyframeRequest_MatchesDocsHexDump_AndRoundTrips()
    {
        var bytes = MessageCodec.Encode(new KeyframeRequest());

        Assert.Equal(Hex(KeyframeRequestHex), bytes);
        Assert.IsType<KeyframeRequest>(MessageCodec.DecodeClient(bytes));
    }

    [Theory]
    [InlineData(KeyframeRequestHex)]
    [InlineData(DeltaHex)]
    [InlineData(BaseHex)]
    [InlineData(ResultHex)]
    public void ProtocolDoc_ShowsTheExampleHex(string hex)
    {
        Assert.Contains(hex, ProtocolDocHex.All(), StringComparison.Ordinal);
    }

    private static byte[] SnapshotOf(long tick, uint serverTimeMs, uint[] acks, ArenaWireEntity[] entities)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        SnapshotFormatter.WriteFrameHeader(ref writer, tick, serverTimeMs, acks);
        writer.WriteArrayHeader(entities.Length);
        foreach (var entity in entities)
        {
            ArenaState.WriteEntity(ref writer, entity);
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
}
