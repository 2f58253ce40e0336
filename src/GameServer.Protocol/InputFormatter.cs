using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace GameServer.Protocol;

/// <summary>Input body: <c>[seq, clientTick, payload]</c> with the payload kept as its raw MessagePack bytes.</summary>
public sealed class InputFormatter : IMessagePackFormatter<Input?>
{
    public void Serialize(ref MessagePackWriter writer, Input? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(3);
        writer.Write(value.Seq);
        writer.Write(value.ClientTick);
        if (value.Payload.IsEmpty)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteRaw(value.Payload.Span);
        }
    }

    public Input? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        var count = reader.ReadArrayHeader();
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
    }
}
