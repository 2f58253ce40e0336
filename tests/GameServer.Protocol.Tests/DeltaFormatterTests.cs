using System.Buffers;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using MessagePack;

namespace GameServer.Protocol.Tests;

/// <summary>gameserver.v2's delta: the ack delta of <see cref="DeltaFormatter"/>, the arena's <see cref="ArenaDelta"/>, and their edge cases.</summary>
public class DeltaFormatterTests
{
    // ---- Acks: [step, changes, removed] ----

    [Fact]
    public void Acks_StepIsTheMostCommonChange_OthersListed()
    {
        var delta = WriteAcks(new uint[] { 1, 10, 2, 20, 3, 30, 4, 40 }, new uint[] { 1, 11, 2, 21, 3, 32, 4, 40 });

        Assert.Equal(1u, delta.Acks.Step);
        Assert.Equal(new long[] { 3, 2, 4, 0 }, delta.Acks.Changes.ToArray());
        Assert.Empty(delta.Acks.Removed.ToArray());
    }

    [Fact]
    public void Acks_OnATie_StepIsTheSmallerChange()
    {
        var delta = WriteAcks(new uint[] { 1, 10, 2, 20 }, new uint[] { 1, 12, 2, 21 });

        Assert.Equal(1u, delta.Acks.Step);
        Assert.Equal(new long[] { 1, 2 }, delta.Acks.Changes.ToArray());
    }

    [Fact]
    public void Acks_SeqGoingDown_IsListedWithANegativeChange()
    {
        // A seat taken over by another connection restarts its sequence at 0.
        var baseAcks = new uint[] { 1, 500, 2, 40 };
        var acks = new uint[] { 1, 0, 2, 41 };

        var delta = WriteAcks(baseAcks, acks);

        Assert.Equal(1u, delta.Acks.Step);
        Assert.Equal(new long[] { 1, -500 }, delta.Acks.Changes.ToArray());
        Assert.Equal(acks, DeltaFormatter.ApplyAcks(baseAcks, delta.Acks));
    }

    [Fact]
    public void Acks_WhenEveryoneWentDown_StepIsZero()
    {
        var delta = WriteAcks(new uint[] { 1, 500 }, new uint[] { 1, 0 });

        Assert.Equal(0u, delta.Acks.Step);
        Assert.Equal(new long[] { 1, -500 }, delta.Acks.Changes.ToArray());
    }

    [Fact]
    public void Acks_NewPlayerWithSeqZero_IsListed_AndAppendedInListedOrder()
    {
        var baseAcks = new uint[] { 1, 10 };
        var acks = new uint[] { 1, 11, 7, 0, 6, 3 };

        var delta = WriteAcks(baseAcks, acks);

        Assert.Equal(1u, delta.Acks.Step);
        Assert.Equal(new long[] { 7, 0, 6, 3 }, delta.Acks.Changes.ToArray());
        Assert.Equal(acks, DeltaFormatter.ApplyAcks(baseAcks, delta.Acks));
    }

    [Fact]
    public void Acks_PlayersWhoLeft_AreRemoved_AndTheRestKeepTheirOrder()
    {
        var baseAcks = new uint[] { 1, 5, 2, 6, 3, 7 };
        var acks = new uint[] { 1, 6, 3, 8 };

        var delta = WriteAcks(baseAcks, acks);

        Assert.Equal(1u, delta.Acks.Step);
        Assert.Empty(delta.Acks.Changes.ToArray());
        Assert.Equal(new uint[] { 2 }, delta.Acks.Removed.ToArray());
        Assert.Equal(acks, DeltaFormatter.ApplyAcks(baseAcks, delta.Acks));
    }

    [Fact]
    public void Acks_FromNoPlayers_ListsEveryone()
    {
        var delta = WriteAcks(Array.Empty<uint>(), new uint[] { 1, 0, 2, 0 });

        Assert.Equal(0u, delta.Acks.Step);
        Assert.Equal(new long[] { 1, 0, 2, 0 }, delta.Acks.Changes.ToArray());
        Assert.Equal(new uint[] { 1, 0, 2, 0 }, DeltaFormatter.ApplyAcks(Array.Empty<uint>(), delta.Acks));
    }

    [Theory]
    [InlineData(-11L)] // below 0
    [InlineData(4_294_967_286L)] // 10 + this is above uint.MaxValue
    public void ApplyAcks_WhenAnAckLeavesTheUInt32Range_Throws(long change)
    {
        var delta = new AckDelta(0, new long[] { 1, change }, Array.Empty<uint>());

        Assert.Throws<MessagePackSerializationException>(() => DeltaFormatter.ApplyAcks(new uint[] { 1, 10 }, delta));
    }

    // ---- DeltaFormatter.Apply ----

    [Fact]
    public void Apply_WithANilGameDelta_KeepsTheGameState()
    {
        var state = ArenaStateOf(new ArenaWireEntity(1, 5, 6, 7, 8, 9));
        var baseSnapshot = new Snapshot(10, 500, new uint[] { 1, 3 }, state);
        var delta = new Delta(11, 10, 550, new AckDelta(1, Array.Empty<long>(), Array.Empty<uint>()), new[] { MessagePackCode.Nil });

        var result = DeltaFormatter.Apply(baseSnapshot, delta, game: null);

        Assert.Equal((11L, 550u), (result.Tick, result.ServerTimeMs));
        Assert.Equal(new uint[] { 1, 4 }, result.Acks.ToArray());
        Assert.Equal(state, result.GameState.ToArray());
    }

    [Fact]
    public void Apply_WhenTheBaseTickDiffers_Throws()
    {
        var baseSnapshot = new Snapshot(10, 0, Array.Empty<uint>(), new[] { MessagePackCode.Nil });
        var delta = new Delta(12, 11, 0, default, new[] { MessagePackCode.Nil });

        Assert.Throws<MessagePackSerializationException>(() => DeltaFormatter.Apply(baseSnapshot, delta, ArenaDelta.Instance));
    }

    [Fact]
    public void Apply_WhenTheGameStateChangesAndNoGameDeltaIsGiven_Throws()
    {
        var baseSnapshot = new Snapshot(10, 0, Array.Empty<uint>(), ArenaStateOf());
        var delta = new Delta(11, 10, 0, default, Hex("92 90 90"));

        Assert.Throws<MessagePackSerializationException>(() => DeltaFormatter.Apply(baseSnapshot, delta, game: null));
    }

    // ---- ArenaDelta ----

    [Fact]
    public void Arena_NewEntityWithAllZeroFields_IsListedWithMaskZero()
    {
        var previous = Array.Empty<ArenaWireEntity>();
        var current = new[] { new ArenaWireEntity(9, 0, 0, 0, 0, 0) };

        var delta = ArenaDeltaOf(previous, current);

        Assert.Equal(Hex("92 92 09 00 90"), delta);
        Assert.Equal(ArenaStateOf(current), ArenaDelta.Instance.Apply(ArenaStateOf(previous), delta));
    }

    [Fact]
    public void Arena_NothingChanged_IsTwoEmptyArrays()
    {
        var entities = new[] { new ArenaWireEntity(1, 5, 6, 7, 8, 9), new ArenaWireEntity(2, 1, 2, 3, 4, 5) };

        var delta = ArenaDeltaOf(entities, entities);

        Assert.Equal(Hex("92 90 90"), delta);
        Assert.Equal(ArenaStateOf(entities), ArenaDelta.Instance.Apply(ArenaStateOf(entities), delta));
    }

    [Fact]
    public void Arena_EachField_HasItsMaskBit_InBitOrder()
    {
        var previous = new[] { new ArenaWireEntity(1, 10, 20, 30, 40, 50) };
        var current = new[] { new ArenaWireEntity(1, 11, 18, 33, 36, 55) };

        var delta = ArenaDeltaOf(previous, current);

        // entity 1, mask 31, then +1 (x), -2 (y), +3 (vx), -4 (vy), +5 (hp).
        Assert.Equal(Hex("92 97 01 1f 01 fe 03 fc 05 90"), delta);
        Assert.Equal(ArenaStateOf(current), ArenaDelta.Instance.Apply(ArenaStateOf(previous), delta));
    }

    [Fact]
    public void Arena_Apply_KeepsThePreviousOrder_DropsTheRemoved_AppendsTheNewInListedOrder()
    {
        var previous = new[] { new ArenaWireEntity(3, 1, 1, 0, 0, 100), new ArenaWireEntity(1, 2, 2, 0, 0, 100), new ArenaWireEntity(2, 3, 3, 0, 0, 100) };
        var current = new[] { new ArenaWireEntity(3, 1, 1, 0, 0, 100), new ArenaWireEntity(2, 4, 3, 0, 0, 100), new ArenaWireEntity(8, 5, 5, 0, 0, 100), new ArenaWireEntity(7, 6, 6, 0, 0, 100) };

        var delta = ArenaDeltaOf(previous, current);

        Assert.Equal(ArenaStateOf(current), ArenaDelta.Instance.Apply(ArenaStateOf(previous), delta));
    }

    [Fact]
    public void Arena_Apply_ToANilState_StartsFromNoEntities()
    {
        var current = new[] { new ArenaWireEntity(1, 70, 30, 0, 0, 100) };

        var result = ArenaDelta.Instance.Apply(new[] { MessagePackCode.Nil }, ArenaDeltaOf(Array.Empty<ArenaWireEntity>(), current));

        Assert.Equal(ArenaStateOf(current), result);
    }

    [Theory]
    [InlineData("92 93 01 20 05 90")] // mask 32: an unknown bit
    [InlineData("92 93 01 ff 05 90")] // mask -1
    [InlineData("92 93 01 03 05 90")] // mask x|y, only one difference: the record is cut short
    [InlineData("92 91 01 90")] // an entity id without a mask
    [InlineData("92 93 01 10 cc c8 90")] // hp 100 + 200 = 300: above 255
    [InlineData("92 93 01 10 d0 9b 90")] // hp 100 - 101 = -1: below 0
    [InlineData("91 90")] // [updates] without removed
    public void Arena_Apply_WhenTheDeltaIsMalformed_Throws(string hex)
    {
        var previous = ArenaStateOf(new ArenaWireEntity(1, 10, 20, 30, 40, 100));

        Assert.Throws<MessagePackSerializationException>(() => ArenaDelta.Instance.Apply(previous, Hex(hex)));
    }

    // ---- DeltaFormatter.TryReadHeader (clients that do not decode the state) ----

    private const string DocDeltaHex =
        "92 10 95 cd 04 d3 cd 04 d2 cd f1 36 93 01 94 03 02 05 00 91 04 92 9d 01 03 47 d0 b9 03 05 64 cc c8 " +
        "05 13 cd 1b 58 cd 0b b8 64 91 04";

    [Theory]
    [InlineData(1, true, 1L)] // not listed, in the base: the step
    [InlineData(3, true, 2L)] // listed: its change
    [InlineData(5, false, 0L)] // new: its seq, from 0
    [InlineData(4, true, null)] // removed
    [InlineData(9, false, null)] // not in the room
    public void TryReadHeader_OnTheDocExample_GivesTicksAndThePlayersChange(int entityId, bool inBase, long? expected)
    {
        var ok = DeltaFormatter.TryReadHeader(Hex(DocDeltaHex), entityId, inBase, out var tick, out var baseTick, out var change);

        Assert.True(ok);
        Assert.Equal((1235L, 1234L, expected), (tick, baseTick, change));
    }

    [Theory]
    [InlineData("")] // empty
    [InlineData("92 0b 94 01 00 90 c0")] // a Snapshot, not a Delta
    [InlineData("92 10 94 01 00 00 93 01 90 90")] // 4 body fields
    [InlineData("92 10 95 02 01 00 92 01 90 c0")] // acks with 2 fields
    [InlineData("92 10 95 02 01 00 93 01 94 03")] // cut short inside the changes
    [InlineData("92 10 95 02 01 00 93 a1 78 90 90 c0")] // a string where the step goes
    public void TryReadHeader_WhenNotAWellFormedDeltaHeader_ReturnsFalse(string hex)
    {
        Assert.False(DeltaFormatter.TryReadHeader(Hex(hex), 3, inBase: true, out _, out _, out _));
    }

    [Fact]
    public void TryReadHeader_WhenATickDoesNotFitInt64_ReturnsFalse()
    {
        // tick = uint64 0xffffffffffffffff: MessagePackReader.ReadInt64 throws OverflowException, which is not caught.
        var frame = Hex("92 10 95 cf ff ff ff ff ff ff ff ff 01 00 93 01 90 90 c0");

        Assert.False(DeltaFormatter.TryReadHeader(frame, 3, inBase: true, out _, out _, out _));
    }

    private static Delta WriteAcks(uint[] baseAcks, uint[] acks)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        DeltaFormatter.WriteFrameHeader(ref writer, tick: 2, baseTick: 1, serverTimeMs: 100, baseAcks, acks);
        writer.WriteNil();
        writer.Flush();
        var delta = Assert.IsType<Delta>(MessageCodec.DecodeServer(buffer.WrittenMemory));
        Assert.Equal(acks, DeltaFormatter.ApplyAcks(baseAcks, delta.Acks));
        return delta;
    }

    private static byte[] ArenaDeltaOf(ArenaWireEntity[] previous, ArenaWireEntity[] current)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        ArenaDelta.Write(ref writer, previous, current);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] ArenaStateOf(params ArenaWireEntity[] entities) => ArenaState.ToBytes(entities);

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
}
