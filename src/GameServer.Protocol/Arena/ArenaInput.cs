using MessagePack;

namespace GameServer.Protocol.Arena;

/// <summary>
/// The sample arena game's input payload, <c>[dx, dy]</c>: the desired direction, each in [-1, 1].
/// Shared by the server plug-in and clients.
/// </summary>
public readonly record struct ArenaInput(float Dx, float Dy)
{
    /// <summary>Encodes the payload to embed in <see cref="Input.Payload"/>.</summary>
    public byte[] ToPayload()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(16);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.Write(Dx);
        writer.Write(Dy);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads <c>[dx, dy, …]</c>; numbers may be any MessagePack int or float; extra fields are skipped. Throws on another shape.</summary>
    public static ArenaInput Read(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        if (count < 2)
        {
            throw new MessagePackSerializationException($"Arena input must be [dx, dy], got {count} elements.");
        }
        var dx = reader.ReadSingle();
        var dy = reader.ReadSingle();
        for (var i = 2; i < count; i++)
        {
            reader.Skip(); // fields a later client version may append
        }
        return new ArenaInput(dx, dy);
    }
}
