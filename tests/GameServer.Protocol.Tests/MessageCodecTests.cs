using System.Buffers;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using MessagePack;

namespace GameServer.Protocol.Tests;

public class MessageCodecTests
{
    // ---- Client messages: Encode -> DecodeClient ----

    [Fact]
    public void DecodeClient_WhenJoinByTypeEncoded_ReturnsEqualJoin()
    {
        var sent = new Join("arena", null);

        var decoded = MessageCodec.DecodeClient(MessageCodec.Encode(sent));

        var join = Assert.IsType<Join>(decoded);
        Assert.Equal("arena", join.RoomType);
        Assert.Null(join.RoomId);
        Assert.Equal(sent, join);
    }

    [Fact]
    public void DecodeClient_WhenJoinByIdEncoded_ReturnsEqualJoin()
    {
        var sent = new Join(null, "arena:5f2c0a");

        var decoded = MessageCodec.DecodeClient(MessageCodec.Encode(sent));

        var join = Assert.IsType<Join>(decoded);
        Assert.Null(join.RoomType);
        Assert.Equal("arena:5f2c0a", join.RoomId);
    }

    [Fact]
    public void DecodeClient_WhenInputWithArenaPayloadEncoded_ReturnsSameFieldsAndPayload()
    {
        var payload = new ArenaInput(0.5f, -1f).ToPayload();
        var sent = new Input(42, 1234, payload);

        var decoded = MessageCodec.DecodeClient(MessageCodec.Encode(sent));

        var input = Assert.IsType<Input>(decoded);
        Assert.Equal(42u, input.Seq);
        Assert.Equal(1234L, input.ClientTick);
        Assert.Equal(payload, input.Payload.ToArray());
        var reader = new MessagePackReader(input.Payload);
        Assert.Equal(new ArenaInput(0.5f, -1f), ArenaInput.Read(ref reader));
        Assert.True(reader.End);
    }

    [Fact]
    public void DecodeClient_WhenInputHasExtremeSeqAndTick_KeepsFullRange()
    {
        var sent = new Input(uint.MaxValue, long.MinValue, new ArenaInput(0f, 0f).ToPayload());

        var input = Assert.IsType<Input>(MessageCodec.DecodeClient(MessageCodec.Encode(sent)));

        Assert.Equal(uint.MaxValue, input.Seq);
        Assert.Equal(long.MinValue, input.ClientTick);
    }

    [Fact]
    public void DecodeClient_WhenPingEncoded_ReturnsEqualPing()
    {
        var sent = new Ping(1234.5);

        var decoded = MessageCodec.DecodeClient(MessageCodec.Encode(sent));

        Assert.Equal(sent, Assert.IsType<Ping>(decoded));
    }

    [Fact]
    public void DecodeClient_WhenLeaveEncoded_ReturnsLeave()
    {
        var decoded = MessageCodec.DecodeClient(MessageCodec.Encode(new Leave()));

        Assert.IsType<Leave>(decoded);
    }

    [Fact]
    public void Encode_WhenWritingToBufferWriter_ProducesSameBytesAsArrayOverload()
    {
        var message = new Input(7, 99, new ArenaInput(1f, 0f).ToPayload());
        var buffer = new ArrayBufferWriter<byte>();

        MessageCodec.Encode(buffer, message);

        Assert.Equal(MessageCodec.Encode(message), buffer.WrittenSpan.ToArray());
    }

    // ---- Server messages: Encode -> DecodeServer ----

    [Fact]
    public void DecodeClient_WhenResumeEncoded_ReturnsEqualResume()
    {
        var sent = new Resume("arena:5f2c0a", "token");

        Assert.Equal(sent, Assert.IsType<Resume>(MessageCodec.DecodeClient(MessageCodec.Encode(sent))));
    }

    [Fact]
    public void DecodeServer_WhenAnOlderServersNineFieldWelcome_DefaultsTheResumeFields()
    {
        // A v1 server from before resume sends 9 fields: no grace window, so clients must not send Resume.
        var decoded = Assert.IsType<Welcome>(MessageCodec.DecodeServer(Hex(
            "92 0a 99 a3 70 2d 37 ac 61 72 65 6e 61 3a 35 66 32 63 30 61 a5 61 72 65 6e 61 03 14 01 cd 04 b0 a0 08")));

        Assert.False(decoded.Resumed);
        Assert.Equal(0, decoded.ReconnectGraceSeconds);
        Assert.Equal(8, decoded.MaxPlayers);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(1001, true)]
    [InlineData(1006, true)]
    [InlineData(1011, true)]
    [InlineData(4001, true)]
    [InlineData(4003, true)]
    [InlineData(1000, false)]
    [InlineData(1008, false)]
    [InlineData(4004, false)]
    public void CloseCode_ShouldReconnect_OnlyAfterDropsDrainsAndServerTrouble(int? code, bool expected) =>
        Assert.Equal(expected, CloseCode.ShouldReconnect(code));

    [Fact]
    public void DecodeServer_WhenWelcomeEncoded_ReturnsEqualWelcome()
    {
        var sent = new Welcome("p-7", "arena:5f2c0a", "arena", 3, 20, 1, 1200, "token", 8);

        var decoded = MessageCodec.DecodeServer(MessageCodec.Encode(sent));

        Assert.Equal(sent, Assert.IsType<Welcome>(decoded));
    }

    [Fact]
    public void DecodeServer_WhenSnapshotWithAcksAndArenaStateEncoded_ReturnsSameFields()
    {
        uint[] acks = [1, 1230, 2, 1229];
        var state = ArenaStateBytes(
            new ArenaEntity(1, 512.3f, 87.6f, 141, -141, 100),
            new ArenaEntity(2, 0f, 1000f, -200, 0, 100));
        var sent = new Snapshot(1234, 61_700, acks, state);

        var decoded = MessageCodec.DecodeServer(MessageCodec.Encode(sent));

        var snapshot = Assert.IsType<Snapshot>(decoded);
        Assert.Equal(1234L, snapshot.Tick);
        Assert.Equal(61_700u, snapshot.ServerTimeMs);
        Assert.Equal(acks, snapshot.Acks.ToArray());
        Assert.Equal(state, snapshot.GameState.ToArray());
        var entities = ArenaState.Read(snapshot.GameState);
        Assert.Equal(2, entities.Length);
        Assert.Equal(1, entities[0].EntityId);
        Assert.Equal(2, entities[1].EntityId);
    }

    [Fact]
    public void DecodeServer_WhenSnapshotHasNoGameState_ReturnsNilGameState()
    {
        var sent = new Snapshot(5, 250, Array.Empty<uint>(), ReadOnlyMemory<byte>.Empty);

        var snapshot = Assert.IsType<Snapshot>(MessageCodec.DecodeServer(MessageCodec.Encode(sent)));

        Assert.Equal(5L, snapshot.Tick);
        Assert.Empty(snapshot.Acks.ToArray());
        Assert.Equal(new byte[] { 0xc0 }, snapshot.GameState.ToArray());
    }

    [Fact]
    public void DecodeServer_WhenPongEncoded_ReturnsEqualPong()
    {
        var sent = new Pong(1234.5, 1_767_225_600_123);

        var decoded = MessageCodec.DecodeServer(MessageCodec.Encode(sent));

        Assert.Equal(sent, Assert.IsType<Pong>(decoded));
    }

    [Fact]
    public void DecodeServer_WhenErrorEncoded_ReturnsEqualError()
    {
        var sent = new Error(ErrorCode.AlreadyInRoom, "Already in a room.");

        var decoded = MessageCodec.DecodeServer(MessageCodec.Encode(sent));

        Assert.Equal(sent, Assert.IsType<Error>(decoded));
    }

    [Fact]
    public void DecodeServer_WhenLeftEncoded_ReturnsEqualLeft()
    {
        var sent = new Left("arena:5f2c0a", "room-closed");

        var decoded = MessageCodec.DecodeServer(MessageCodec.Encode(sent));

        Assert.Equal(sent, Assert.IsType<Left>(decoded));
    }

    // ---- The per-tick snapshot path: SnapshotFormatter.WriteFrameHeader + ArenaState.WriteEntity ----

    [Fact]
    public void DecodeServer_WhenSnapshotWrittenWithFrameHeaderAndArenaEntities_ArenaStateReadReturnsEntities()
    {
        var written = new[]
        {
            new ArenaEntity(1, 512.34f, 87.61f, 141.2f, -141.4f, 100),
            new ArenaEntity(2, 0f, 999.96f, -200f, 0f, 7),
        };
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        SnapshotFormatter.WriteFrameHeader(ref writer, 1234, 61_700, [1u, 1230u, 2u, 1229u]);
        writer.WriteArrayHeader(written.Length);
        foreach (var entity in written)
        {
            ArenaState.WriteEntity(ref writer, entity);
        }
        writer.Flush();

        var snapshot = Assert.IsType<Snapshot>(MessageCodec.DecodeServer(buffer.WrittenMemory));
        var entities = ArenaState.Read(snapshot.GameState);

        Assert.Equal(1234L, snapshot.Tick);
        Assert.Equal(61_700u, snapshot.ServerTimeMs);
        Assert.Equal(written.Length, entities.Length);
        for (var i = 0; i < written.Length; i++)
        {
            Assert.Equal(written[i].EntityId, entities[i].EntityId);
            Assert.InRange(entities[i].X, written[i].X - 0.05f, written[i].X + 0.05f);
            Assert.InRange(entities[i].Y, written[i].Y - 0.05f, written[i].Y + 0.05f);
            Assert.Equal(MathF.Round(written[i].Vx), entities[i].Vx);
            Assert.Equal(MathF.Round(written[i].Vy), entities[i].Vy);
            Assert.Equal(written[i].Hp, entities[i].Hp);
        }
    }

    [Fact]
    public void WriteFrameHeader_WhenFollowedByState_EqualsEncodeOfSameSnapshot()
    {
        var state = ArenaStateBytes(new ArenaEntity(4, 10f, 20f, 0f, 0f, 100));
        uint[] acks = [4, 17];
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        SnapshotFormatter.WriteFrameHeader(ref writer, 99, 4_950, acks);
        writer.WriteRaw(state);
        writer.Flush();

        Assert.Equal(MessageCodec.Encode(new Snapshot(99, 4_950, acks, state)), buffer.WrittenSpan.ToArray());
    }

    // ---- Snapshot.AckFor ----

    [Theory]
    [InlineData(1, 1230u)]
    [InlineData(2, 1229u)]
    [InlineData(7, 42u)]
    public void AckFor_WhenEntityPresent_ReturnsItsSeq(int entityId, uint expected)
    {
        var snapshot = new Snapshot(1, 0, new uint[] { 1, 1230, 2, 1229, 7, 42 }, ReadOnlyMemory<byte>.Empty);

        Assert.Equal(expected, snapshot.AckFor(entityId));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1230)] // a seq value must not be mistaken for an entity id
    [InlineData(0)]
    public void AckFor_WhenEntityAbsent_ReturnsZero(int entityId)
    {
        var snapshot = new Snapshot(1, 0, new uint[] { 1, 1230, 2, 1229 }, ReadOnlyMemory<byte>.Empty);

        Assert.Equal(0u, snapshot.AckFor(entityId));
    }

    [Fact]
    public void AckFor_WhenNoAcks_ReturnsZero()
    {
        var snapshot = new Snapshot(1, 0, ReadOnlyMemory<uint>.Empty, ReadOnlyMemory<byte>.Empty);

        Assert.Equal(0u, snapshot.AckFor(1));
    }

    // ---- Exact wire layout ----

    [Fact]
    public void Encode_WhenJoinByType_ProducesPinnedBytes()
    {
        var bytes = MessageCodec.Encode(new Join("arena", null));

        Assert.Equal(Hex("92 01 92 a5 61 72 65 6e 61 c0"), bytes);
    }

    [Fact]
    public void Encode_WhenInputWithArenaPayload_ProducesPinnedBytes()
    {
        // 92 frame, 02 Input, 93 body, 01 seq, 00 clientTick, 92 payload [dx, dy],
        // ca 3f 80 00 00 float32 1.0, ca 00 00 00 00 float32 0.0.
        var bytes = MessageCodec.Encode(new Input(1, 0, new ArenaInput(1f, 0f).ToPayload()));

        Assert.Equal(Hex("92 02 93 01 00 92 ca 3f 80 00 00 ca 00 00 00 00"), bytes);
    }

    public static TheoryData<string, string> DocumentedExamples => new()
    {
        { "JoinById", "92 01 92 c0 ac 61 72 65 6e 61 3a 35 66 32 63 30 61" },
        { "Input", "92 02 93 2a cd 04 d2 92 ca 3f 00 00 00 ca bf 80 00 00" },
        { "Ping", "92 03 91 cb 40 93 4a 00 00 00 00 00" },
        { "Leave", "92 04 90" },
        { "Welcome", "92 0a 9b a3 70 2d 37 ac 61 72 65 6e 61 3a 35 66 32 63 30 61 a5 61 72 65 6e 61 03 14 01 cd 04 b0 b6 71 39 58 63 32 4c 6d 41 30 73 54 74 37 56 76 42 31 6e 59 77 5a 67 08 c2 1e" },
        { "Resume", "92 05 92 ac 61 72 65 6e 61 3a 35 66 32 63 30 61 b6 71 39 58 63 32 4c 6d 41 30 73 54 74 37 56 76 42 31 6e 59 77 5a 67" },
        {
            "Snapshot",
            "92 0b 94 cd 04 d2 cd f1 04 94 01 cd 04 ce 02 cd 04 cd 92 96 01 cd 14 03 cd 03 6c cc 8d d1 ff 73 64 " +
            "96 02 00 cd 27 10 d1 ff 38 00 64"
        },
        { "Pong", "92 0c 92 cb 40 93 4a 00 00 00 00 00 cf 00 00 01 9b 76 da a8 7b" },
        { "Error", "92 0d 92 04 b2 41 6c 72 65 61 64 79 20 69 6e 20 61 20 72 6f 6f 6d 2e" },
        { "Left", "92 0e 92 ac 61 72 65 6e 61 3a 35 66 32 63 30 61 a4 6c 65 66 74" },
        { "JoinWithCriteria", "92 01 93 a5 61 72 65 6e 61 c0 81 a4 6d 6f 64 65 a4 64 75 65 6c" },
        { "Create", "92 06 93 a5 61 72 65 6e 61 c3 81 a4 6d 6f 64 65 a4 64 75 65 6c" },
        { "JoinByCode", "92 07 91 a6 4b 37 51 58 32 4d" },
        {
            "WelcomePrivate",
            "92 0a 9d a3 70 2d 37 ac 61 72 65 6e 61 3a 35 66 32 63 30 61 a5 61 72 65 6e 61 03 14 01 cd 04 b0 b6 71 39 58 63 32 4c 6d " +
            "41 30 73 54 74 37 56 76 42 31 6e 59 77 5a 67 08 c2 1e a6 4b 37 51 58 32 4d 81 a4 6d 6f 64 65 a4 64 75 65 6c"
        },
    };

    private static readonly Dictionary<string, string> s_duel = new() { ["mode"] = "duel" };

    [Theory]
    [MemberData(nameof(DocumentedExamples))]
    public void Encode_WhenDocumentedExample_MatchesDocsProtocolHexDump(string example, string hex)
    {
        var bytes = example switch
        {
            "JoinById" => MessageCodec.Encode(new Join(null, "arena:5f2c0a")),
            "Input" => MessageCodec.Encode(new Input(42, 1234, new ArenaInput(0.5f, -1f).ToPayload())),
            "Ping" => MessageCodec.Encode(new Ping(1234.5)),
            "Leave" => MessageCodec.Encode(new Leave()),
            "Welcome" => MessageCodec.Encode(new Welcome("p-7", "arena:5f2c0a", "arena", 3, 20, 1, 1200, "q9Xc2LmA0sTt7VvB1nYwZg", 8, false, 30)),
            "Resume" => MessageCodec.Encode(new Resume("arena:5f2c0a", "q9Xc2LmA0sTt7VvB1nYwZg")),
            "Snapshot" => MessageCodec.Encode(new Snapshot(
                1234,
                61_700,
                new uint[] { 1, 1230, 2, 1229 },
                ArenaStateBytes(
                    new ArenaEntity(1, 512.3f, 87.6f, 141, -141, 100),
                    new ArenaEntity(2, 0f, 1000f, -200, 0, 100)))),
            "Pong" => MessageCodec.Encode(new Pong(1234.5, 1_767_225_600_123)),
            "Error" => MessageCodec.Encode(new Error(ErrorCode.AlreadyInRoom, "Already in a room.")),
            "Left" => MessageCodec.Encode(new Left("arena:5f2c0a", "left")),
            "JoinWithCriteria" => MessageCodec.Encode(new Join("arena", null, s_duel)),
            "Create" => MessageCodec.Encode(new Create("arena", Private: true, s_duel)),
            "JoinByCode" => MessageCodec.Encode(new JoinByCode("K7QX2M")),
            "WelcomePrivate" => MessageCodec.Encode(new Welcome("p-7", "arena:5f2c0a", "arena", 3, 20, 1, 1200, "q9Xc2LmA0sTt7VvB1nYwZg", 8, false, 30, "K7QX2M", s_duel)),
            _ => throw new ArgumentOutOfRangeException(nameof(example), example, null),
        };

        Assert.Equal(Hex(hex), bytes);
    }

    [Fact]
    public void RoomMessages_RoundTrip_WithTheirPropertiesAndCode()
    {
        var create = Assert.IsType<Create>(MessageCodec.DecodeClient(MessageCodec.Encode(new Create("arena", true, s_duel))));
        var join = Assert.IsType<Join>(MessageCodec.DecodeClient(MessageCodec.Encode(new Join("arena", null, s_duel))));
        var byCode = Assert.IsType<JoinByCode>(MessageCodec.DecodeClient(MessageCodec.Encode(new JoinByCode("k7qx-2m"))));
        var welcome = Assert.IsType<Welcome>(MessageCodec.DecodeServer(MessageCodec.Encode(
            new Welcome("p", "arena:x", "arena", 1, 20, 1, 0, "t", 8, RoomCode: "K7QX2M", Properties: s_duel))));

        Assert.Equal(("arena", true, "duel"), (create.RoomType, create.Private, create.Properties!["mode"]));
        Assert.Equal(("arena", (string?)null, "duel"), (join.RoomType, join.RoomId, join.Properties!["mode"]));
        Assert.Equal("k7qx-2m", byCode.Code); // normalized by the server, not the codec
        Assert.Equal(("K7QX2M", "duel"), (welcome.RoomCode, welcome.Properties!["mode"]));
    }

    [Theory]
    [InlineData("92 06 91 a5 61 72 65 6e 61", "arena", false)] // Create with only a room type: public, default properties
    [InlineData("92 06 92 c0 c3", null, true)] // nil room type reads as null; the edge refuses it naming the field
    public void Create_WithMissingFields_ReadsDefaults(string hex, string? roomType, bool isPrivate)
    {
        var create = Assert.IsType<Create>(MessageCodec.DecodeClient(Hex(hex)));

        Assert.Equal((roomType, isPrivate, (IReadOnlyDictionary<string, string>?)null), (create.RoomType, create.Private, create.Properties));
    }

    [Theory]
    [InlineData("92 06 93 a5 61 72 65 6e 61 c3 81 a4 6d 6f 64 65 01")] // a property value that is not a string
    [InlineData("92 06 93 a5 61 72 65 6e 61 c3 91 a4 6d 6f 64 65")] // properties as an array, not a map
    [InlineData("92 01 93 a5 61 72 65 6e 61 c0 de 00 11")] // a map of 17 entries: more than a room type may declare
    public void RoomMessages_WithMalformedProperties_AreMalformed(string hex)
    {
        var error = Assert.Throws<ProtocolException>(() => MessageCodec.DecodeClient(Hex(hex)));

        Assert.Equal(ErrorCode.MalformedMessage, error.ErrorCode);
    }

    [Fact]
    public void DecodeClient_WhenInputFromJavaScriptEncoder_ReadsSameArenaInput()
    {
        // docs/protocol.md §5.2: @msgpack/msgpack sends dx as float64 0.5 and dy as negative fixint -1.
        var frame = Hex("92 02 93 01 00 92 cb 3f e0 00 00 00 00 00 00 ff");

        var input = Assert.IsType<Input>(MessageCodec.DecodeClient(frame));
        var reader = new MessagePackReader(input.Payload);

        Assert.Equal(1u, input.Seq);
        Assert.Equal(0L, input.ClientTick);
        Assert.Equal(new ArenaInput(0.5f, -1f), ArenaInput.Read(ref reader));
    }

    [Fact]
    public void DecodeClient_WhenTypeIsUint8Form_AcceptsFrame()
    {
        // docs/protocol.md §3: the type may be a positive fixint or uint8 (0xcc nn).
        var decoded = MessageCodec.DecodeClient(Hex("92 cc 04 90"));

        Assert.IsType<Leave>(decoded);
    }

    [Fact]
    public void DecodeClient_WhenBodyHasExtraTrailingFields_IgnoresThem()
    {
        // Forward compatibility: an Input body with a fourth field still decodes.
        var decoded = MessageCodec.DecodeClient(Hex("92 02 94 05 00 92 00 00 a3 6e 65 77"));

        var input = Assert.IsType<Input>(decoded);
        Assert.Equal(5u, input.Seq);
        Assert.Equal(Hex("92 00 00"), input.Payload.ToArray());
    }

    // ---- Rejection of malformed frames ----

    [Theory]
    [InlineData("EmptyFrame", ErrorCode.MalformedMessage)]
    [InlineData("RandomGarbage", ErrorCode.MalformedMessage)]
    [InlineData("GarbageAfterValidHeader", ErrorCode.MalformedMessage)]
    [InlineData("BareInteger", ErrorCode.MalformedMessage)]
    [InlineData("Map", ErrorCode.MalformedMessage)]
    [InlineData("ArrayOfThree", ErrorCode.MalformedMessage)]
    [InlineData("Array16Header", ErrorCode.MalformedMessage)]
    [InlineData("TypeAsInt8", ErrorCode.MalformedMessage)]
    [InlineData("UnknownTypeCode99", ErrorCode.UnknownMessageType)]
    [InlineData("ServerTypeWelcome", ErrorCode.UnknownMessageType)]
    [InlineData("ServerTypeSnapshot", ErrorCode.UnknownMessageType)]
    [InlineData("TruncatedInput", ErrorCode.MalformedMessage)]
    [InlineData("InputWithTooFewFields", ErrorCode.MalformedMessage)]
    [InlineData("InputWithFloatSeq", ErrorCode.MalformedMessage)]
    [InlineData("InputWithNegativeSeq", ErrorCode.MalformedMessage)]
    [InlineData("InputBodyIsMap", ErrorCode.MalformedMessage)]
    [InlineData("NilBody", ErrorCode.MalformedMessage)]
    [InlineData("TypeWithoutBody", ErrorCode.MalformedMessage)]
    [InlineData("JoinFieldNotAString", ErrorCode.MalformedMessage)]
    [InlineData("PingTimeIsAString", ErrorCode.MalformedMessage)]
    [InlineData("TrailingBytesAfterValidFrame", ErrorCode.MalformedMessage)]
    [InlineData("DeeplyNestedInputPayload", ErrorCode.MalformedMessage)]
    public void DecodeClient_WhenFrameMalformed_ThrowsProtocolExceptionWithCode(string name, int expectedCode)
    {
        var frame = MalformedClientFrame(name);

        var ex = Assert.Throws<ProtocolException>(() => MessageCodec.DecodeClient(frame));

        Assert.Equal(expectedCode, ex.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Theory]
    [InlineData("EmptyFrame", ErrorCode.MalformedMessage)]
    [InlineData("ClientTypeJoin", ErrorCode.UnknownMessageType)]
    [InlineData("TruncatedSnapshot", ErrorCode.MalformedMessage)]
    [InlineData("SnapshotWithOddAcks", ErrorCode.MalformedMessage)]
    [InlineData("TrailingBytesAfterValidFrame", ErrorCode.MalformedMessage)]
    public void DecodeServer_WhenFrameMalformed_ThrowsProtocolExceptionWithCode(string name, int expectedCode)
    {
        var frame = MalformedServerFrame(name);

        var ex = Assert.Throws<ProtocolException>(() => MessageCodec.DecodeServer(frame));

        Assert.Equal(expectedCode, ex.ErrorCode);
    }

    private static byte[] MalformedClientFrame(string name)
    {
        var validInput = MessageCodec.Encode(new Input(3, 10, new ArenaInput(0.25f, 0.75f).ToPayload()));
        return name switch
        {
            "EmptyFrame" => [],
            "RandomGarbage" => Hex("de ad be ef 00 ff 13 37"),
            "GarbageAfterValidHeader" => Hex("92 02 c1 c1 c1"), // 0xc1 is never used by MessagePack
            "BareInteger" => Hex("05"),
            "Map" => Hex("81 01 90"),
            "ArrayOfThree" => Hex("93 01 92 a5 61 72 65 6e 61 c0 c0"),
            "Array16Header" => Hex("dc 00 02 04 90"),
            "TypeAsInt8" => Hex("92 d0 04 90"),
            "UnknownTypeCode99" => Hex("92 63 90"),
            "ServerTypeWelcome" => MessageCodec.Encode(new Welcome("p-1", "arena:x", "arena", 1, 20, 1, 0, "", 8)),
            "ServerTypeSnapshot" => MessageCodec.Encode(new Snapshot(1, 0, Array.Empty<uint>(), ReadOnlyMemory<byte>.Empty)),
            "TruncatedInput" => validInput.AsSpan(0, validInput.Length - 3).ToArray(),
            "InputWithTooFewFields" => Hex("92 02 92 01 00"),
            "InputWithFloatSeq" => Hex("92 02 93 ca 3f 80 00 00 00 c0"),
            "InputWithNegativeSeq" => Hex("92 02 93 ff 00 c0"),
            "InputBodyIsMap" => Hex("92 02 81 00 01"),
            "NilBody" => Hex("92 02 c0"),
            "TypeWithoutBody" => Hex("92 01"),
            "JoinFieldNotAString" => Hex("92 01 92 01 c0"),
            "PingTimeIsAString" => Hex("92 03 91 a1 31"),
            "TrailingBytesAfterValidFrame" => [.. MessageCodec.Encode(new Leave()), 0x00],
            "DeeplyNestedInputPayload" => [.. Hex("92 02 93 01 00"), .. Nested(1000)],
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    private static byte[] MalformedServerFrame(string name)
    {
        var validSnapshot = MessageCodec.Encode(new Snapshot(
            7, 350, new uint[] { 1, 2 }, ArenaStateBytes(new ArenaEntity(1, 1f, 2f, 3f, 4f, 100))));
        return name switch
        {
            "EmptyFrame" => [],
            "ClientTypeJoin" => MessageCodec.Encode(new Join("arena", null)),
            "TruncatedSnapshot" => validSnapshot.AsSpan(0, validSnapshot.Length - 2).ToArray(),
            "SnapshotWithOddAcks" => Hex("92 0b 94 01 00 93 01 02 03 c0"),
            "TrailingBytesAfterValidFrame" => [.. validSnapshot, 0xc0],
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    /// <summary><paramref name="depth"/> nested one-element arrays around a nil: 91 91 … 91 c0.</summary>
    private static byte[] Nested(int depth)
    {
        var bytes = new byte[depth + 1];
        bytes.AsSpan(0, depth).Fill(0x91);
        bytes[depth] = 0xc0;
        return bytes;
    }

    private static byte[] ArenaStateBytes(params ArenaEntity[] entities)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
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
