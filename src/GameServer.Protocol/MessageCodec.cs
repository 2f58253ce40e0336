using System.Buffers;
using MessagePack;

namespace GameServer.Protocol;

/// <summary>
/// Encodes and decodes frames with hand-written MessagePack readers and writers: no resolver, no reflection, no runtime
/// code generation, so the same code runs on the server, under Unity's IL2CPP and under NativeAOT. Decoding treats
/// input as untrusted: exact field types, collection lengths checked against the bytes left, embedded values walked with
/// a depth limit, no trailing bytes.
/// </summary>
public static class MessageCodec
{
    /// <summary>One buffer per thread for the <c>byte[]</c> overloads: a frame is built there and copied out once.</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static byte[] Encode(ServerMessage message)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }
        var buffer = RentBuffer();
        var writer = new MessagePackWriter(buffer);
        ServerMessageFormat.Write(ref writer, message);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Encode(ClientMessage message)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }
        var buffer = RentBuffer();
        var writer = new MessagePackWriter(buffer);
        ClientMessageFormat.Write(ref writer, message);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static void Encode(IBufferWriter<byte> output, ClientMessage message)
    {
        if (output is null)
        {
            throw new ArgumentNullException(nameof(output));
        }
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }
        var writer = new MessagePackWriter(output);
        ClientMessageFormat.Write(ref writer, message);
        writer.Flush();
    }

    /// <summary>Decodes a client frame, or throws <see cref="ProtocolException"/> naming what was wrong.</summary>
    public static ClientMessage DecodeClient(ReadOnlyMemory<byte> frame)
    {
        var type = CheckHeader(frame, client: true);
        var reader = new MessagePackReader(frame);
        try
        {
            SkipHeader(ref reader);
            var message = ClientMessageFormat.ReadBody(ref reader, type) ?? throw NilBody(type);
            CheckNoTrailingBytes(ref reader, type);
            return message;
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            throw Malformed(ex, type, reader.Consumed);
        }
    }

    /// <summary>Decodes a server frame, or throws <see cref="ProtocolException"/> naming what was wrong.</summary>
    public static ServerMessage DecodeServer(ReadOnlyMemory<byte> frame)
    {
        var type = CheckHeader(frame, client: false);
        var reader = new MessagePackReader(frame);
        try
        {
            SkipHeader(ref reader);
            var message = ServerMessageFormat.ReadBody(ref reader, type) ?? throw NilBody(type);
            CheckNoTrailingBytes(ref reader, type);
            return message;
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            throw Malformed(ex, type, reader.Consumed);
        }
    }

    /// <summary>The type code of a <c>[type, body]</c> frame, or null if the frame does not start that way.</summary>
    public static int? PeekType(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 2 || frame[0] != 0x92)
        {
            return null; // every frame is a fixarray of exactly two elements
        }
        var b = frame[1];
        if (b <= 0x7f)
        {
            return b; // positive fixint: all type codes in use
        }
        if (b == 0xcc && frame.Length >= 3)
        {
            return frame[2];
        }
        return null;
    }

    /// <summary>The frame's type code if it is one this direction knows; otherwise throws.</summary>
    private static int CheckHeader(ReadOnlyMemory<byte> frame, bool client)
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
        if (client ? !IsClientType(type.Value) : !IsServerType(type.Value))
        {
            throw new ProtocolException(ErrorCode.UnknownMessageType, $"Unknown {(client ? "client" : "server")} message type {type.Value}.");
        }
        return type.Value;
    }

    /// <summary>Reads past <c>[type, </c>, which <see cref="PeekType"/> has already checked.</summary>
    private static void SkipHeader(ref MessagePackReader reader)
    {
        reader.ReadArrayHeader();
        reader.ReadInt32();
    }

    private static ProtocolException NilBody(int type) =>
        new(ErrorCode.MalformedMessage, $"{Name(type)} (message type {type}) has a nil body; expected an array of fields.");

    private static void CheckNoTrailingBytes(ref MessagePackReader reader, int type)
    {
        if (!reader.End)
        {
            throw new ProtocolException(
                ErrorCode.MalformedMessage,
                $"Frame has {reader.Sequence.Length - reader.Consumed} trailing bytes after the {Name(type)} message.");
        }
    }

    /// <summary>
    /// What <see cref="MessagePackReader"/> throws on bytes that are not the expected shape: a wrong type code
    /// (<see cref="MessagePackSerializationException"/>), a value or length past the end (<see cref="EndOfStreamException"/>),
    /// a number out of the field's range (<see cref="OverflowException"/>), a string length past the end
    /// (<see cref="ArgumentOutOfRangeException"/>, from the sequence reader underneath).
    /// </summary>
    private static bool IsReadFailure(Exception ex) =>
        ex is MessagePackSerializationException or EndOfStreamException or OverflowException or ArgumentOutOfRangeException;

    private static ProtocolException Malformed(Exception ex, int type, long offset)
    {
        var what = ex switch
        {
            OverflowException => "a number does not fit its field's type",
            ArgumentOutOfRangeException or EndOfStreamException => "a value runs past the end of the frame",
            _ => ex.Message,
        };
        return new(ErrorCode.MalformedMessage, $"Malformed {Name(type)} (message type {type}) at byte {offset}: {what}", ex);
    }

    private static bool IsClientType(int type) =>
        type is MessageType.Join or MessageType.Input or MessageType.Ping or MessageType.Leave or MessageType.Resume
            or MessageType.Create or MessageType.JoinByCode or MessageType.KeyframeRequest;

    private static bool IsServerType(int type) =>
        type is MessageType.Welcome or MessageType.Snapshot or MessageType.Pong or MessageType.Error or MessageType.Left
            or MessageType.SettingsChanged or MessageType.Delta or MessageType.Events;

    private static string Name(int type) => type switch
    {
        MessageType.Join => nameof(MessageType.Join),
        MessageType.Input => nameof(MessageType.Input),
        MessageType.Ping => nameof(MessageType.Ping),
        MessageType.Leave => nameof(MessageType.Leave),
        MessageType.Resume => nameof(MessageType.Resume),
        MessageType.Create => nameof(MessageType.Create),
        MessageType.JoinByCode => nameof(MessageType.JoinByCode),
        MessageType.KeyframeRequest => nameof(MessageType.KeyframeRequest),
        MessageType.Welcome => nameof(MessageType.Welcome),
        MessageType.Snapshot => nameof(MessageType.Snapshot),
        MessageType.Pong => nameof(MessageType.Pong),
        MessageType.Error => nameof(MessageType.Error),
        MessageType.Left => nameof(MessageType.Left),
        MessageType.SettingsChanged => nameof(MessageType.SettingsChanged),
        MessageType.Delta => nameof(MessageType.Delta),
        MessageType.Events => nameof(MessageType.Events),
        _ => "message",
    };

    private static ArrayBufferWriter<byte> RentBuffer()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.Clear();
        return buffer;
    }
}
