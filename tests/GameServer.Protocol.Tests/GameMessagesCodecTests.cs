using MessagePack;

namespace GameServer.Protocol.Tests;

/// <summary>
/// The wire form of what games beyond the arena added: join options on <see cref="Join"/>, <see cref="Create"/> and
/// <see cref="JoinByCode"/>, a <see cref="Welcome"/>'s role and view, <see cref="Left"/>'s message and
/// <see cref="Events"/>. Messages without the new fields stay byte for byte what they were, and docs/protocol.md's
/// examples are the bytes the codec writes.
/// </summary>
public class GameMessagesCodecTests
{
    // docs/protocol.md §5.1, §5.1a, §5.1b, §5.5, §5.9 and §5.12.
    private const string JoinWithOptionsHex = "92 01 94 a3 74 61 67 c0 c0 81 a4 74 65 61 6d a3 72 65 64";
    private const string CreateWithOptionsHex = "92 06 94 a3 74 61 67 c3 c0 81 a4 74 65 61 6d a3 72 65 64";
    private const string JoinByCodeWithOptionsHex = "92 07 92 a6 4b 37 51 58 32 4d 81 a4 74 65 61 6d a4 62 6c 75 65";

    private const string WelcomeWithRoleHex =
        "92 0a 9f a3 70 2d 37 aa 74 61 67 3a 35 66 32 63 30 61 a3 74 61 67 03 14 02 cd 04 b0 b6 71 39 58 63 32 4c 6d " +
        "41 30 73 54 74 37 56 76 42 31 6e 59 77 5a 67 08 c2 1e c0 c0 a3 72 65 64 01";

    private const string LeftRoomEndedHex =
        "92 0e 93 aa 74 61 67 3a 35 66 32 63 30 61 aa 72 6f 6f 6d 2d 65 6e 64 65 64 ad 52 65 64 20 77 69 6e 73 20 35 2d 33 2e";

    private const string EventsHex =
        "92 11 92 cd 04 d4 92 93 29 cd 04 d3 93 a6 74 61 67 67 65 64 05 03 93 2a cd 04 d4 93 a5 73 63 6f 72 65 04 03";

    private const string Token = "q9Xc2LmA0sTt7VvB1nYwZg";

    private static readonly Dictionary<string, string> s_duel = new() { ["mode"] = "duel" };

    public static TheoryData<string, string> DocumentedExamples => new()
    {
        { "JoinWithOptions", JoinWithOptionsHex },
        { "CreateWithOptions", CreateWithOptionsHex },
        { "JoinByCodeWithOptions", JoinByCodeWithOptionsHex },
        { "WelcomeWithRole", WelcomeWithRoleHex },
        { "LeftRoomEnded", LeftRoomEndedHex },
        { "Events", EventsHex },
    };

    // ---- Join options ----

    [Fact]
    public void JoinMessages_WithOptions_RoundTripTheOptionsBytes()
    {
        var options = TeamOptions("red");

        var join = Assert.IsType<Join>(MessageCodec.DecodeClient(MessageCodec.Encode(new Join("tag", null, s_duel, options))));
        var create = Assert.IsType<Create>(MessageCodec.DecodeClient(MessageCodec.Encode(new Create("tag", true, s_duel, options))));
        var byCode = Assert.IsType<JoinByCode>(MessageCodec.DecodeClient(MessageCodec.Encode(new JoinByCode("K7QX2M", options))));

        Assert.Equal(("tag", (string?)null, "duel"), (join.RoomType, join.RoomId, join.Properties!["mode"]));
        Assert.Equal(("tag", true, "duel"), (create.RoomType, create.Private, create.Properties!["mode"]));
        Assert.Equal("K7QX2M", byCode.Code);
        Assert.Equal(options, join.Options.ToArray());
        Assert.Equal(options, create.Options.ToArray());
        Assert.Equal(options, byCode.Options.ToArray());
    }

    [Theory]
    [InlineData("Join", "92 01 92 a5 61 72 65 6e 61 c0")] // a plain Join stays 2 fields
    [InlineData("JoinWithCriteria", "92 01 93 a5 61 72 65 6e 61 c0 81 a4 6d 6f 64 65 a4 64 75 65 6c")]
    [InlineData("Create", "92 06 93 a5 61 72 65 6e 61 c3 81 a4 6d 6f 64 65 a4 64 75 65 6c")]
    [InlineData("JoinByCode", "92 07 91 a6 4b 37 51 58 32 4d")]
    public void JoinMessages_WithoutOptions_AreByteForByteTheFormsOfBefore(string message, string hex)
    {
        ClientMessage sent = message switch
        {
            "Join" => new Join("arena"),
            "JoinWithCriteria" => new Join("arena", null, s_duel),
            "Create" => new Create("arena", true, s_duel),
            "JoinByCode" => new JoinByCode("K7QX2M"),
            _ => throw new ArgumentOutOfRangeException(nameof(message), message, null),
        };

        var bytes = MessageCodec.Encode(sent);

        Assert.Equal(ProtocolDocHex.Bytes(hex), bytes);
        Assert.True(OptionsOf(MessageCodec.DecodeClient(bytes)).IsEmpty);
    }

    [Theory]
    [InlineData("92 01 94 a3 74 61 67 c0 c0 c0")] // Join [roomType, roomId, properties, nil]
    [InlineData("92 06 94 a3 74 61 67 c3 c0 c0")] // Create [roomType, private, properties, nil]
    [InlineData("92 07 92 a6 4b 37 51 58 32 4d c0")] // JoinByCode [code, nil]
    public void JoinMessages_WithNilOptions_ReadAsNone(string hex)
    {
        var message = MessageCodec.DecodeClient(ProtocolDocHex.Bytes(hex));

        Assert.True(OptionsOf(message).IsEmpty);
    }

    [Theory]
    [InlineData("92 07 92 a6 4b 37 51 58 32 4d 81 a4 74 65 61 6d")] // a map whose value is missing
    [InlineData("92 07 92 a6 4b 37 51 58 32 4d c1")] // 0xc1 is never used by MessagePack
    [InlineData("92 07 92 a6 4b 37 51 58 32 4d 01 02")] // two values where one belongs
    [InlineData("92 01 94 a3 74 61 67 c0 c0 a4 74 65")] // a string cut short
    public void JoinMessages_WithOptionsThatAreNotOneWellFormedValue_AreMalformed(string hex)
    {
        var error = Assert.Throws<ProtocolException>(() => MessageCodec.DecodeClient(ProtocolDocHex.Bytes(hex)));

        Assert.Equal(ErrorCode.MalformedMessage, error.ErrorCode);
    }

    [Fact]
    public void JoinMessages_WithOptionsNestedDeeperThanAnEmbeddedValueMay_AreMalformed()
    {
        var frame = ProtocolDocHex.Bytes("92 07 92 a6 4b 37 51 58 32 4d").Concat(Enumerable.Repeat((byte)0x91, 40)).Append((byte)0x01).ToArray();

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.DecodeClient(frame));

        Assert.Equal(ErrorCode.MalformedMessage, error.ErrorCode);
    }

    // ---- Welcome, Left, Events ----

    [Fact]
    public void Welcome_WithRoleAndView_Has15FieldsAndRoundTrips()
    {
        var sent = new Welcome("p-7", "tag:5f2c0a", "tag", 3, 20, 2, 1200, Token, 8, false, 30, null, null, "red", 1);

        var bytes = MessageCodec.Encode(sent);
        var welcome = Assert.IsType<Welcome>(MessageCodec.DecodeServer(bytes));

        Assert.Equal(0x9f, bytes[2]); // fixarray(15)
        Assert.Equal(sent, welcome);
        Assert.Equal(("red", 1), (welcome.Role, welcome.View));
    }

    [Fact]
    public void Welcome_WithAViewAndNoRole_Has15FieldsWithANilRole()
    {
        var bytes = MessageCodec.Encode(new Welcome("p-7", "tag:5f2c0a", "tag", 3, 20, 2, 1200, Token, 8, View: 2));
        var welcome = Assert.IsType<Welcome>(MessageCodec.DecodeServer(bytes));

        Assert.Equal(0x9f, bytes[2]);
        Assert.Equal(((string?)null, 2), (welcome.Role, welcome.View));
    }

    [Theory]
    [InlineData(0x9b, null, null)] // public room, no properties: the welcome of before rooms had codes
    [InlineData(0x9c, "K7QX2M", null)]
    [InlineData(0x9d, "K7QX2M", "duel")]
    public void Welcome_WithoutRoleOrView_KeepsItsShorterForm(int header, string? code, string? mode)
    {
        var properties = mode is null ? null : new Dictionary<string, string> { ["mode"] = mode };
        var bytes = MessageCodec.Encode(new Welcome("p-7", "arena:5f2c0a", "arena", 3, 20, 1, 1200, Token, 8, false, 30, code, properties));
        var welcome = Assert.IsType<Welcome>(MessageCodec.DecodeServer(bytes));

        Assert.Equal(header, bytes[2]);
        Assert.Equal(((string?)null, 0), (welcome.Role, welcome.View));
    }

    [Fact]
    public void Left_WithAMessage_Has3FieldsAndWithoutStays2()
    {
        var withMessage = MessageCodec.Encode(new Left("tag:5f2c0a", "room-ended", "Red wins 5-3."));
        var without = MessageCodec.Encode(new Left("tag:5f2c0a", "left"));

        Assert.Equal(0x93, withMessage[2]);
        Assert.Equal(0x92, without[2]);
        Assert.Equal(new Left("tag:5f2c0a", "room-ended", "Red wins 5-3."), MessageCodec.DecodeServer(withMessage));
        Assert.Equal(new Left("tag:5f2c0a", "left"), MessageCodec.DecodeServer(without));
    }

    [Fact]
    public void Events_RoundTrip_WithTheirNumbersTicksAndPayloadsInOrder()
    {
        // "first", nil, {"k": -7}
        var payloads = new[] { ProtocolDocHex.Bytes("a5 66 69 72 73 74"), ProtocolDocHex.Bytes("c0"), ProtocolDocHex.Bytes("81 a1 6b f9") };
        var sent = new Events(40, new[] { new GameEvent(7, 39, payloads[0]), new GameEvent(8, 40, payloads[1]), new GameEvent(10, 40, payloads[2]) });

        var events = Assert.IsType<Events>(MessageCodec.DecodeServer(MessageCodec.Encode(sent)));

        Assert.Equal(40, events.Tick);
        Assert.Equal(new[] { (7L, 39L), (8L, 40L), (10L, 40L) }, events.Items.Select(e => (e.Seq, e.Tick)));
        Assert.Equal(payloads, events.Items.Select(e => e.Payload.ToArray()));
    }

    [Fact]
    public void Events_WithNoItems_RoundTrip()
    {
        var events = Assert.IsType<Events>(MessageCodec.DecodeServer(MessageCodec.Encode(new Events(5, Array.Empty<GameEvent>()))));

        Assert.Equal(5, events.Tick);
        Assert.Empty(events.Items);
    }

    // ---- docs/protocol.md's examples ----

    [Theory]
    [MemberData(nameof(DocumentedExamples))]
    public void DocumentedExample_IsWhatTheCodecWrites_AndDecodesToTheAnnotatedFields(string example, string hex)
    {
        ServerMessage? server = null;
        ClientMessage? client = null;
        switch (example)
        {
            case "JoinWithOptions":
                client = new Join("tag", null, null, TeamOptions("red"));
                break;
            case "CreateWithOptions":
                client = new Create("tag", true, null, TeamOptions("red"));
                break;
            case "JoinByCodeWithOptions":
                client = new JoinByCode("K7QX2M", TeamOptions("blue"));
                break;
            case "WelcomeWithRole":
                server = new Welcome("p-7", "tag:5f2c0a", "tag", 3, 20, 2, 1200, Token, 8, false, 30, null, null, "red", 1);
                break;
            case "LeftRoomEnded":
                server = new Left("tag:5f2c0a", "room-ended", "Red wins 5-3.");
                break;
            case "Events":
                server = new Events(1236, new[]
                {
                    new GameEvent(41, 1235, ProtocolDocHex.Bytes("93 a6 74 61 67 67 65 64 05 03")), // ["tagged", 5, 3]
                    new GameEvent(42, 1236, ProtocolDocHex.Bytes("93 a5 73 63 6f 72 65 04 03")), // ["score", 4, 3]
                });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(example), example, null);
        }

        var bytes = client is not null ? MessageCodec.Encode(client) : MessageCodec.Encode(server!);

        Assert.Equal(ProtocolDocHex.Bytes(hex), bytes);
        if (client is not null)
        {
            Assert.Equal(OptionsOf(client).ToArray(), OptionsOf(MessageCodec.DecodeClient(bytes)).ToArray());
        }
        else
        {
            Assert.Equal(bytes, MessageCodec.Encode(MessageCodec.DecodeServer(bytes)));
        }
    }

    [Theory]
    [InlineData(JoinWithOptionsHex)]
    [InlineData(CreateWithOptionsHex)]
    [InlineData(JoinByCodeWithOptionsHex)]
    [InlineData(WelcomeWithRoleHex)]
    [InlineData(LeftRoomEndedHex)]
    [InlineData(EventsHex)]
    public void ProtocolDoc_ShowsTheExampleHex(string hex) =>
        Assert.Contains(hex, ProtocolDocHex.All(), StringComparison.Ordinal);

    /// <summary>Join options <c>{"team": team}</c>, as a client writes them.</summary>
    private static byte[] TeamOptions(string team) => MessagePackSerializer.Serialize(new Dictionary<string, string> { ["team"] = team });

    private static ReadOnlyMemory<byte> OptionsOf(ClientMessage message) => message switch
    {
        Join join => join.Options,
        Create create => create.Options,
        JoinByCode byCode => byCode.Options,
        _ => throw new ArgumentException($"{message.GetType().Name} carries no join options.", nameof(message)),
    };
}
