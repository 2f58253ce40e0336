using System.Buffers;
using System.Globalization;
using GameServer.Protocol.Arena;
using MessagePack;
using Old = GameServer.Protocol.Tests.PreRewrite;

namespace GameServer.Protocol.Tests;

/// <summary>
/// <see cref="MessageCodec"/> against the pre-rewrite, attribute-based codec kept in <c>PreRewrite/</c>: on every
/// documented frame, every malformed case and tens of thousands of seeded mutations of valid frames, both decoders
/// return the same message or refuse with the same <see cref="ErrorCode"/>; both encoders write the same bytes.
/// </summary>
public class CodecEquivalenceTests
{
    private const int Seed = 20261202;
    private const int Mutations = 60_000;

    [Fact]
    public void Decode_WhenDocumentedOrMalformedFrames_GivesSameResultAsPreRewriteCodec()
    {
        var mismatches = new List<string>();

        foreach (var frame in FixedFrames())
        {
            Compare(frame, mismatches);
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches.Take(20)));
    }

    [Fact]
    public void Decode_WhenValidFramesRandomlyMutated_GivesSameResultAsPreRewriteCodec()
    {
        var random = new Random(Seed);
        var valid = ValidFrames(random).ToArray();
        var mismatches = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        for (var i = 0; i < Mutations; i++)
        {
            var frame = Mutate(valid[random.Next(valid.Length)], random);
            var outcome = Compare(frame, mismatches);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {Mutations} mutated frames differ:{Environment.NewLine}" + string.Join(Environment.NewLine, mismatches.Take(20)));
        // The mutations must reach past the frame header: some decode, some are refused inside a body.
        Assert.True(outcomes.GetValueOrDefault("ok") > Mutations / 50, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault("error 1") > Mutations / 10, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault("error 2") > 0, Describe(outcomes));
    }

    [Fact]
    public void Encode_WhenEveryMessageTypeWithVariedFields_WritesSameBytesAsPreRewriteCodec()
    {
        var random = new Random(Seed);
        var compared = 0;

        for (var i = 0; i < 2_000; i++)
        {
            foreach (var (current, old) in ClientPairs(random))
            {
                var expected = Old.PreRewriteCodec.Encode(old);
                Assert.Equal(Hex(expected), Hex(MessageCodec.Encode(current)));
                var buffer = new ArrayBufferWriter<byte>();
                MessageCodec.Encode(buffer, current);
                Assert.Equal(Hex(expected), Hex(buffer.WrittenSpan.ToArray()));
                compared++;
            }
            foreach (var (current, old) in ServerPairs(random))
            {
                Assert.Equal(Hex(Old.PreRewriteCodec.Encode(old)), Hex(MessageCodec.Encode(current)));
                compared++;
            }
        }

        Assert.Equal(2_000 * 11, compared);
    }

    /// <summary>Decodes <paramref name="frame"/> both ways with both codecs; records a mismatch; returns the outcome.</summary>
    private static string Compare(byte[] frame, List<string> mismatches)
    {
        if (UsesRoomsExtension(frame))
        {
            return "rooms extension";
        }
        var oldClient = Outcome(() => Describe(Old.PreRewriteCodec.DecodeClient(frame)));
        var newClient = Outcome(() => Describe(MessageCodec.DecodeClient(frame)));
        var oldServer = Outcome(() => Describe(Old.PreRewriteCodec.DecodeServer(frame)));
        var newServer = Outcome(() => Describe(MessageCodec.DecodeServer(frame)));
        if (oldClient.Result != newClient.Result)
        {
            mismatches.Add($"client {Hex(frame)}: pre-rewrite {oldClient.Detail} / now {newClient.Detail}");
        }
        if (oldServer.Result != newServer.Result)
        {
            mismatches.Add($"server {Hex(frame)}: pre-rewrite {oldServer.Detail} / now {newServer.Detail}");
        }
        return oldClient.Result.StartsWith("ok", StringComparison.Ordinal) || oldServer.Result.StartsWith("ok", StringComparison.Ordinal)
            ? "ok"
            : oldClient.Result.Length < oldServer.Result.Length ? oldClient.Result : oldServer.Result;
    }

    /// <summary>
    /// A frame in what the rooms extension added after the rewrite (Create and JoinByCode, Join's criteria as field 2,
    /// Welcome's code and properties as fields 11 and 12): the pre-rewrite codec skipped or refused it, so the two cannot
    /// agree; MessageCodecTests cover it. The same holds for gameserver.v2's KeyframeRequest (8) and Delta (16),
    /// which DeltaDocExampleTests and DeltaFormatterTests cover, and for games' Events (17) and Left's message (field 2).
    /// Everything the earlier protocol could say must still decode the same.
    /// </summary>
    private static bool UsesRoomsExtension(byte[] frame)
    {
        // [6, 7, 8, 16 or 17, …] even when cut short (the reader refuses an array header with fewer bytes left than elements).
        if (frame is [0x92, MessageType.Create or MessageType.JoinByCode or MessageType.KeyframeRequest or MessageType.Delta or MessageType.Events, ..])
        {
            return true;
        }
        try
        {
            var reader = new MessagePackReader(frame);
            if (reader.ReadArrayHeader() != 2)
            {
                return false;
            }
            var type = reader.ReadInt32();
            if (type is MessageType.Create or MessageType.JoinByCode or MessageType.KeyframeRequest or MessageType.Delta or MessageType.Events)
            {
                return true;
            }
            if (reader.NextMessagePackType != MessagePackType.Array)
            {
                return false;
            }
            var fields = reader.ReadArrayHeader();
            return (type == MessageType.Join && fields > 2) || (type == MessageType.Welcome && fields > 11) || (type == MessageType.Left && fields > 2);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>"ok …message…" or "error N" (the code only; the text may differ), with the text as detail.</summary>
    private static (string Result, string Detail) Outcome(Func<string> decode)
    {
        try
        {
            var message = decode();
            return ("ok " + message, "ok " + message);
        }
        catch (ProtocolException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            return ($"error {ex.ErrorCode}", $"error {ex.ErrorCode} ({ex.Message})");
        }
        catch (Exception ex)
        {
            // Anything but ProtocolException is a decoder bug in either codec: keep it visible in the comparison.
            return ($"threw {ex.GetType().Name}", $"threw {ex}");
        }
    }

    private static IEnumerable<byte[]> FixedFrames()
    {
        foreach (var row in MessageCodecTests.DocumentedExamples)
        {
            yield return FromHex((string)row[1]);
        }
        string[] hex =
        [
            "", "de ad be ef 00 ff 13 37", "92 02 c1 c1 c1", "05", "81 01 90", "93 01 92 a5 61 72 65 6e 61 c0 c0",
            "dc 00 02 04 90", "92 d0 04 90", "92 63 90", "92 02 92 01 00", "92 02 93 ca 3f 80 00 00 00 c0",
            "92 02 93 ff 00 c0", "92 02 81 00 01", "92 02 c0", "92 01", "92 01 92 01 c0", "92 03 91 a1 31", "92 04 90 00",
            "92 0b 94 01 00 93 01 02 03 c0", "92 cc 04 90", "92 02 94 05 00 92 00 00 a3 6e 65 77",
            "92 02 93 01 00 92 cb 3f e0 00 00 00 00 00 00 ff",
            "92 0a 99 a3 70 2d 37 ac 61 72 65 6e 61 3a 35 66 32 63 30 61 a5 61 72 65 6e 61 03 14 01 cd 04 b0 a0 08",
            "92 04 80", "92 04 c0", "92 04 91 c0", "92 01 90", "92 01 c0", "92 03 90", "92 05 91 a1 61", "92 0c 91 00",
            "92 0d 90", "92 0e 92 c0 c0", "92 0f 94 01 02 03 04", "92 0f 93 01 02 03", "92 0f 95 01 02 03 04 c0",
            "92 0b c0", "92 0b 93 01 00 90", "92 0b 94 01 00 90 c0 c0", "92 0b 95 01 00 90 c0 91 91 c0",
            "92 02 93 01 00", "92 02 93 01 00 dd ff ff ff ff", "92 01 dc ff ff c0", "92 01 92 db ff ff ff ff",
            "92 0a 9b", "92 0a 9b c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0", "92 0a 9b c0 c0 c0 00 00 00 00 c0 00 c2 00",
            "92 03 91 00", "92 03 91 ca 3f 80 00 00", "92 03 91 cf ff ff ff ff ff ff ff ff", "92 0c 92 00 cf ff ff ff ff ff ff ff ff",
            "92 0d 92 ce ff ff ff ff a0", "92 0d 92 d3 80 00 00 00 00 00 00 00 a0",
        ];
        foreach (var h in hex)
        {
            yield return FromHex(h);
        }
        yield return [.. FromHex("92 02 93 01 00"), .. Nested(1000)];
        yield return [.. FromHex("92 02 93 01 00"), .. Nested(32), .. FromHex("")];
        yield return [.. FromHex("92 02 93 01 00"), .. Nested(33)];
        yield return [.. FromHex("92 02 94 01 00 c0"), .. Nested(40)];
        yield return [.. FromHex("92 01 93 c0 c0"), .. Nested(5000)];
        yield return [.. FromHex("92 0b 94 01 00 90"), .. Nested(34)];
        yield return [.. FromHex("92 0b 95 01 00 90 c0"), .. Nested(34)];
        yield return [.. FromHex("92 01 92 da 01 00"), .. new byte[256]];
        yield return [.. FromHex("92 01 92 da 01 00"), .. new byte[255]];
        yield return [.. FromHex("92 01 92 a3 ff fe fd c0")]; // invalid UTF-8 in a string
    }

    /// <summary>Valid frames of every type, from both directions, with varied field values.</summary>
    private static IEnumerable<byte[]> ValidFrames(Random random)
    {
        for (var i = 0; i < 40; i++)
        {
            foreach (var (_, old) in ClientPairs(random))
            {
                yield return Old.PreRewriteCodec.Encode(old);
            }
            foreach (var (_, old) in ServerPairs(random))
            {
                yield return Old.PreRewriteCodec.Encode(old);
            }
        }
    }

    private static IEnumerable<(ClientMessage Current, Old.ClientMessage Old)> ClientPairs(Random random)
    {
        var (roomType, roomId) = (Text(random), Text(random));
        yield return (new Join(roomType, roomId), new Old.Join(roomType, roomId));
        var (seq, tick, payload) = ((uint)random.NextInt64(0, uint.MaxValue + 1L), Long(random), Value(random));
        yield return (new Input(seq, tick, payload), new Old.Input(seq, tick, payload));
        var time = Double(random);
        yield return (new Ping(time), new Old.Ping(time));
        yield return (new Leave(), new Old.Leave());
        var (resumeRoom, token) = (Text(random)!, Text(random)!);
        yield return (new Resume(resumeRoom, token), new Old.Resume(resumeRoom, token));
    }

    private static IEnumerable<(ServerMessage Current, Old.ServerMessage Old)> ServerPairs(Random random)
    {
        var w = (Text(random)!, Text(random)!, Text(random)!, Int(random), Int(random), Int(random), Long(random), Text(random)!, Int(random), random.Next(2) == 0, Int(random));
        yield return (
            new Welcome(w.Item1, w.Item2, w.Item3, w.Item4, w.Item5, w.Item6, w.Item7, w.Item8, w.Item9, w.Item10, w.Item11),
            new Old.Welcome(w.Item1, w.Item2, w.Item3, w.Item4, w.Item5, w.Item6, w.Item7, w.Item8, w.Item9, w.Item10, w.Item11));
        var acks = new uint[random.Next(0, 10) * 2];
        for (var i = 0; i < acks.Length; i++)
        {
            acks[i] = (uint)random.NextInt64(0, uint.MaxValue + 1L);
        }
        var (tick, time) = (Long(random), (uint)random.NextInt64(0, uint.MaxValue + 1L));
        var state = random.Next(3) == 0 ? Value(random) : ArenaStateBytes(random);
        yield return (new Snapshot(tick, time, acks, state), new Old.Snapshot(tick, time, acks, state));
        var (clientTime, serverTime) = (Double(random), Long(random));
        yield return (new Pong(clientTime, serverTime), new Old.Pong(clientTime, serverTime));
        var (code, text) = (Int(random), Text(random)!);
        yield return (new Error(code, text), new Old.Error(code, text));
        var (room, reason) = (Text(random)!, Text(random)!);
        yield return (new Left(room, reason), new Old.Left(room, reason));
        var s = (Long(random), Int(random), Int(random), Int(random));
        yield return (new SettingsChanged(s.Item1, s.Item2, s.Item3, s.Item4), new Old.SettingsChanged(s.Item1, s.Item2, s.Item3, s.Item4));
    }

    /// <summary>One of: bit flips, a truncation, inserted bytes, a deleted span, a byte set to a MessagePack marker, a repeated span.</summary>
    private static byte[] Mutate(byte[] frame, Random random)
    {
        var bytes = new List<byte>(frame);
        var edits = 1 + (random.Next(4) == 0 ? random.Next(3) : 0);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    for (var n = random.Next(1, 4); n > 0; n--)
                    {
                        bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    }
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 4)));
                    break;
                case 4:
                    byte[] markers = [0xc0, 0xc1, 0xc2, 0xc3, 0x90, 0x91, 0x9f, 0x80, 0xdc, 0xdd, 0xde, 0xda, 0xdb, 0xd9, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd3, 0xca, 0xcb, 0xff, 0x7f, 0x00, 0xa0, 0xbf];
                    bytes[at] = markers[random.Next(markers.Length)];
                    break;
                default:
                    var length = Math.Min(bytes.Count - at, random.Next(1, 8));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
            }
        }
        return [.. bytes];
    }

    private static string? Text(Random random) => random.Next(8) switch
    {
        0 => null,
        1 => string.Empty,
        2 => new string('x', random.Next(31, 40)), // fixstr to str8
        3 => new string('y', random.Next(250, 300)), // str8 to str16
        4 => "é🎮" + random.Next(),
        5 => "arena:" + random.Next(0, 0xffffff).ToString("x6", CultureInfo.InvariantCulture),
        _ => "p-" + random.Next(0, 1000),
    };

    private static int Int(Random random) => random.Next(7) switch
    {
        0 => 0,
        1 => int.MaxValue,
        2 => int.MinValue,
        3 => random.Next(-40, 200),
        4 => random.Next(-40_000, 70_000),
        _ => random.Next(int.MinValue, int.MaxValue),
    };

    private static long Long(Random random) => random.Next(6) switch
    {
        0 => long.MaxValue,
        1 => long.MinValue,
        2 => random.Next(-40, 300),
        3 => random.NextInt64(uint.MaxValue - 5L, uint.MaxValue + 5L),
        _ => random.NextInt64(long.MinValue, long.MaxValue),
    };

    private static double Double(Random random) => random.Next(6) switch
    {
        0 => double.NaN,
        1 => double.PositiveInfinity,
        2 => -0.0,
        3 => random.Next(),
        _ => (random.NextDouble() - 0.5) * 1e12,
    };

    /// <summary>One random MessagePack value (an embedded payload or game state), or nothing (encoded as nil).</summary>
    private static byte[] Value(Random random)
    {
        if (random.Next(6) == 0)
        {
            return [];
        }
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        WriteValue(ref writer, random, 0);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(ref MessagePackWriter writer, Random random, int depth)
    {
        switch (random.Next(depth > 3 ? 5 : 7))
        {
            case 0:
                writer.WriteNil();
                break;
            case 1:
                writer.Write(random.Next(-200, 70_000));
                break;
            case 2:
                writer.Write((float)random.NextDouble());
                break;
            case 3:
                writer.Write(Text(random));
                break;
            case 4:
                writer.Write(random.Next(2) == 0);
                break;
            case 5:
                var items = random.Next(0, 4);
                writer.WriteArrayHeader(items);
                for (var i = 0; i < items; i++)
                {
                    WriteValue(ref writer, random, depth + 1);
                }
                break;
            default:
                var entries = random.Next(0, 3);
                writer.WriteMapHeader(entries);
                for (var i = 0; i < entries * 2; i++)
                {
                    WriteValue(ref writer, random, depth + 1);
                }
                break;
        }
    }

    private static byte[] ArenaStateBytes(Random random)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        var count = random.Next(0, 9);
        writer.WriteArrayHeader(count);
        for (var i = 0; i < count; i++)
        {
            ArenaState.WriteEntity(ref writer, new ArenaEntity(
                i + 1, random.NextSingle() * 1000f, random.NextSingle() * 1000f, (random.NextSingle() - 0.5f) * 400f, (random.NextSingle() - 0.5f) * 400f, (byte)random.Next(256)));
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static string Describe(Old.ClientMessage message) => message switch
    {
        Old.Join m => Describe(new Join(m.RoomType, m.RoomId)),
        Old.Input m => Describe(new Input(m.Seq, m.ClientTick, m.Payload)),
        Old.Ping m => Describe(new Ping(m.ClientTimeMs)),
        Old.Leave => Describe(new Leave()),
        Old.Resume m => Describe(new Resume(m.RoomId, m.ResumeToken)),
        _ => "unexpected " + message.GetType().Name,
    };

    private static string Describe(Old.ServerMessage message) => message switch
    {
        Old.Welcome m => Describe(new Welcome(m.PlayerId, m.RoomId, m.RoomType, m.EntityId, m.TickRateHz, m.SnapshotEveryTicks, m.CurrentTick, m.ResumeToken, m.MaxPlayers, m.Resumed, m.ReconnectGraceSeconds)),
        Old.Snapshot m => Describe(new Snapshot(m.Tick, m.ServerTimeMs, m.Acks, m.GameState)),
        Old.Pong m => Describe(new Pong(m.ClientTimeMs, m.ServerTimeMs)),
        Old.Error m => Describe(new Error(m.Code, m.Message)),
        Old.Left m => Describe(new Left(m.RoomId, m.Reason)),
        Old.SettingsChanged m => Describe(new SettingsChanged(m.Tick, m.TickRateHz, m.SnapshotEveryTicks, m.MaxPlayers)),
        _ => "unexpected " + message.GetType().Name,
    };

    /// <summary>Every field, with memory fields as hex (records compare <c>ReadOnlyMemory</c> by reference) and null marked.</summary>
    private static string Describe(object message) => message switch
    {
        Input m => $"Input {m.Seq} {m.ClientTick} [{Hex(m.Payload.ToArray())}]",
        Snapshot m => $"Snapshot {m.Tick} {m.ServerTimeMs} [{string.Join(",", m.Acks.ToArray())}] [{Hex(m.GameState.ToArray())}]",
        Join m => $"Join {Quote(m.RoomType)} {Quote(m.RoomId)}",
        Resume m => $"Resume {Quote(m.RoomId)} {Quote(m.ResumeToken)}",
        Welcome m => $"Welcome {Quote(m.PlayerId)} {Quote(m.RoomId)} {Quote(m.RoomType)} {Quote(m.ResumeToken)} {m with { PlayerId = "", RoomId = "", RoomType = "", ResumeToken = "" }}",
        Error m => $"Error {m.Code} {Quote(m.Message)}",
        Left m => $"Left {Quote(m.RoomId)} {Quote(m.Reason)}",
        Ping m => $"Ping {BitConverter.DoubleToInt64Bits(m.ClientTimeMs)}",
        Pong m => $"Pong {BitConverter.DoubleToInt64Bits(m.ClientTimeMs)} {m.ServerTimeMs}",
        _ => message.ToString() ?? "null",
    };

    private static string Quote(string? text) => text is null ? "(null)" : "\"" + text + "\"";

    private static string Describe(Dictionary<string, int> outcomes) =>
        string.Join(", ", outcomes.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}: {pair.Value}"));

    private static byte[] Nested(int depth)
    {
        var bytes = new byte[depth + 1];
        bytes.AsSpan(0, depth).Fill(0x91);
        bytes[depth] = 0xc0;
        return bytes;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    private static byte[] FromHex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
}
