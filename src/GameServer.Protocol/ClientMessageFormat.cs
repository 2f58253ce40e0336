using System.Buffers;
using MessagePack;

namespace GameServer.Protocol;

/// <summary>
/// Client message bodies, field by field with <see cref="MessagePackReader"/> and <see cref="MessagePackWriter"/>:
/// no resolver, no reflection, no runtime code generation. Reading mirrors what MessagePack's generated formatters did
/// before, so old and new peers agree: missing trailing fields take their default, extra ones are skipped, a string may
/// be nil.
/// </summary>
internal static class ClientMessageFormat
{
    /// <summary>Writes the whole frame <c>[type, body]</c>.</summary>
    public static void Write(ref MessagePackWriter writer, ClientMessage message)
    {
        switch (message)
        {
            case Input input:
                FrameFormat.WriteHeader(ref writer, MessageType.Input, 3);
                writer.Write(input.Seq);
                writer.Write(input.ClientTick);
                EmbeddedValue.Write(ref writer, input.Payload.Span);
                break;
            case Ping ping:
                FrameFormat.WriteHeader(ref writer, MessageType.Ping, 1);
                writer.Write(ping.ClientTimeMs);
                break;
            case Join join:
                // Two fields unless there are criteria or options, so a plain Join is byte for byte what it was before them.
                var joinFields = !join.Options.IsEmpty ? 4 : join.Properties is null ? 2 : 3;
                FrameFormat.WriteHeader(ref writer, MessageType.Join, joinFields);
                writer.Write(join.RoomType);
                writer.Write(join.RoomId);
                if (joinFields > 2)
                {
                    FrameFormat.WriteStringMap(ref writer, join.Properties);
                }
                if (joinFields > 3)
                {
                    EmbeddedValue.Write(ref writer, join.Options.Span);
                }
                break;
            case Create create:
                FrameFormat.WriteHeader(ref writer, MessageType.Create, create.Options.IsEmpty ? 3 : 4);
                writer.Write(create.RoomType);
                writer.Write(create.Private);
                FrameFormat.WriteStringMap(ref writer, create.Properties);
                if (!create.Options.IsEmpty)
                {
                    EmbeddedValue.Write(ref writer, create.Options.Span);
                }
                break;
            case JoinByCode byCode:
                FrameFormat.WriteHeader(ref writer, MessageType.JoinByCode, byCode.Options.IsEmpty ? 1 : 2);
                writer.Write(byCode.Code);
                if (!byCode.Options.IsEmpty)
                {
                    EmbeddedValue.Write(ref writer, byCode.Options.Span);
                }
                break;
            case Leave:
                FrameFormat.WriteHeader(ref writer, MessageType.Leave, 0);
                break;
            case KeyframeRequest:
                FrameFormat.WriteHeader(ref writer, MessageType.KeyframeRequest, 0);
                break;
            case Resume resume:
                FrameFormat.WriteHeader(ref writer, MessageType.Resume, 2);
                writer.Write(resume.RoomId);
                writer.Write(resume.ResumeToken);
                break;
            default:
                throw new ArgumentException($"{message.GetType().FullName} is not a client message this protocol version can send.", nameof(message));
        }
    }

    /// <summary>Reads the body of a message of a known client <paramref name="type"/>; null when the body is nil.</summary>
    public static ClientMessage? ReadBody(ref MessagePackReader reader, int type)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        var count = reader.ReadArrayHeader();
        ClientMessage message;
        int known;
        switch (type)
        {
            case MessageType.Input:
                if (count < 3)
                {
                    throw new MessagePackSerializationException($"Input needs 3 fields [seq, clientTick, payload], got {count}.");
                }
                var seq = reader.ReadUInt32();
                var clientTick = reader.ReadInt64();
                var payload = EmbeddedValue.ReadChecked(ref reader).ToArray();
                for (var i = 3; i < count; i++)
                {
                    EmbeddedValue.SkipChecked(ref reader); // fields appended by later protocol versions
                }
                return new Input(seq, clientTick, payload);
            case MessageType.Ping:
                message = new Ping(count > 0 ? reader.ReadDouble() : 0);
                known = 1;
                break;
            case MessageType.Join:
                var roomType = count > 0 ? FrameFormat.ReadString(ref reader) : null;
                var roomId = count > 1 ? FrameFormat.ReadString(ref reader) : null;
                var criteria = count > 2 ? FrameFormat.ReadStringMap(ref reader) : null;
                message = new Join(roomType, roomId, criteria, count > 3 ? ReadOptions(ref reader) : default);
                known = 4;
                break;
            case MessageType.Create:
                // A missing or nil room type reads as null; the edge refuses it naming the field.
                var createType = count > 0 ? FrameFormat.ReadString(ref reader) : null;
                var isPrivate = count > 1 && reader.ReadBoolean();
                var properties = count > 2 ? FrameFormat.ReadStringMap(ref reader) : null;
                message = new Create(createType!, isPrivate, properties, count > 3 ? ReadOptions(ref reader) : default);
                known = 4;
                break;
            case MessageType.JoinByCode:
                var code = count > 0 ? FrameFormat.ReadString(ref reader) : null;
                message = new JoinByCode(code!, count > 1 ? ReadOptions(ref reader) : default);
                known = 2;
                break;
            case MessageType.Leave:
                message = new Leave();
                known = 0;
                break;
            case MessageType.KeyframeRequest:
                message = new KeyframeRequest();
                known = 0;
                break;
            case MessageType.Resume:
                // Null when sent as nil or missing, as before the rewrite; the edge refuses such a resume.
                var resumeRoom = count > 0 ? FrameFormat.ReadString(ref reader) : null;
                var token = count > 1 ? FrameFormat.ReadString(ref reader) : null;
                message = new Resume(resumeRoom!, token!);
                known = 2;
                break;
            default:
                throw new InvalidOperationException($"{type} is not a client message type; MessageCodec checks the type first.");
        }
        FrameFormat.SkipExtraFields(ref reader, count, known);
        return message;
    }

    /// <summary>Join options: one well-formed MessagePack value (nil reads as none); the edge checks the size limit.</summary>
    private static ReadOnlyMemory<byte> ReadOptions(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return default;
        }
        return EmbeddedValue.ReadChecked(ref reader).ToArray();
    }
}
