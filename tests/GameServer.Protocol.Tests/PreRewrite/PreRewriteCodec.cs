using System.Buffers;
using MessagePack;

namespace GameServer.Protocol.Tests.PreRewrite;

/// <summary><c>MessageCodec</c> exactly as it was before the rewrite (see README.md): the standard, dynamic resolver.</summary>
public static class PreRewriteCodec
{
    public static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithSecurity(MessagePackSecurity.UntrustedData);

    public static byte[] Encode(ServerMessage message) => MessagePackSerializer.Serialize(message, Options);

    public static byte[] Encode(ClientMessage message) => MessagePackSerializer.Serialize(message, Options);

    public static void Encode(IBufferWriter<byte> output, ClientMessage message) => MessagePackSerializer.Serialize(output, message, Options);

    public static ClientMessage DecodeClient(ReadOnlyMemory<byte> frame) => Decode<ClientMessage>(frame, "client");

    public static ServerMessage DecodeServer(ReadOnlyMemory<byte> frame) => Decode<ServerMessage>(frame, "server");

    private static T Decode<T>(ReadOnlyMemory<byte> frame, string direction)
        where T : class
    {
        if (frame.IsEmpty)
        {
            throw new ProtocolException(ErrorCode.MalformedMessage, "Empty frame; expected a MessagePack array [type, body].");
        }
        var type = PeekType(frame.Span);
        if (type is null)
        {
            throw new ProtocolException(ErrorCode.MalformedMessage, "Frame is not a MessagePack array [type, body] with an integer type.");
        }
        if (!IsKnown(type.Value, direction))
        {
            throw new ProtocolException(ErrorCode.UnknownMessageType, $"Unknown {direction} message type {type.Value}.");
        }
        try
        {
            var reader = new MessagePackReader(frame);
            var message = MessagePackSerializer.Deserialize<T>(ref reader, Options);
            if (message is null)
            {
                throw new ProtocolException(ErrorCode.MalformedMessage, "Frame decoded to nil.");
            }
            if (!reader.End)
            {
                throw new ProtocolException(ErrorCode.MalformedMessage, $"Frame has {frame.Length - reader.Consumed} trailing bytes after the message.");
            }
            return message;
        }
        catch (MessagePackSerializationException ex)
        {
            throw new ProtocolException(ErrorCode.MalformedMessage, $"Malformed message type {type.Value}: {Innermost(ex).Message}", ex);
        }
    }

    public static int? PeekType(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 2 || frame[0] != 0x92)
        {
            return null;
        }
        var b = frame[1];
        if (b <= 0x7f)
        {
            return b;
        }
        if (b == 0xcc && frame.Length >= 3)
        {
            return frame[2];
        }
        return null;
    }

    private static bool IsKnown(int type, string direction) => direction == "client"
        ? type is MessageType.Join or MessageType.Input or MessageType.Ping or MessageType.Leave or MessageType.Resume
        : type is MessageType.Welcome or MessageType.Snapshot or MessageType.Pong or MessageType.Error or MessageType.Left
            or MessageType.SettingsChanged;

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }
        return ex;
    }
}
