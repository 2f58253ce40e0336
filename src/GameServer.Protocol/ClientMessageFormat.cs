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
                // Two fields unless there are criteria, so a plain Join is byte for byte what it was before them.
                FrameFormat.WriteHeader(ref writer, MessageType.Join, join.Properties is null ? 2 : 3);
                writer.Write(join.RoomType);
                writer.Write(join.RoomId);
                if (join.Properties is not null)
                {
                    FrameFormat.WriteStringMap(ref writer, join.Properties);
                }
                break;
            case Create create:
                FrameFormat.WriteHeader(ref writer, MessageType.Create, 3);
                writer.Write(create.RoomType);
                writer.Write(create.Private);
                FrameFormat.WriteStringMap(ref writer, create.Properties);
                break;
            case JoinByCode byCode:
                FrameFormat.WriteHeader(ref writer, MessageType.JoinByCode, 1);
                writer.Write(byCode.Code);
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
                message = new Join(roomType, roomId, criteria);
                known = 3;
                break;
            case MessageType.Create:
                // A missing or nil room type reads as null; the edge refuses it naming the field.
                var createType = count > 0 ? FrameFormat.ReadString(ref reader) : null;
                var isPrivate = count > 1 && reader.ReadBoolean();
                var properties = count > 2 ? FrameFormat.ReadStringMap(ref reader) : null;
                message = new Create(createType!, isPrivate, properties);
                known = 3;
                break;
            case MessageType.JoinByCode:
                var code = count > 0 ? FrameFormat.ReadString(ref reader) : null;
                message = new JoinByCode(code!);
                known = 1;
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
}
