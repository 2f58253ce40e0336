using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

// The custom formatters and the embedded-value walker exactly as they were before the rewrite (see README.md).
namespace GameServer.Protocol.Tests.PreRewrite;

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
            EmbeddedValue.SkipChecked(ref reader);
        }
        return new Input(seq, clientTick, payload);
    }
}

public sealed class SnapshotFormatter : IMessagePackFormatter<Snapshot?>
{
    public void Serialize(ref MessagePackWriter writer, Snapshot? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(4);
        writer.Write(value.Tick);
        writer.Write(value.ServerTimeMs);
        writer.WriteArrayHeader(value.Acks.Length);
        foreach (var ack in value.Acks.Span)
        {
            writer.Write(ack);
        }
        if (value.GameState.IsEmpty)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteRaw(value.GameState.Span);
        }
    }

    public Snapshot? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        var count = reader.ReadArrayHeader();
        if (count < 4)
        {
            throw new MessagePackSerializationException($"Snapshot needs 4 fields [tick, serverTimeMs, acks, gameState], got {count}.");
        }
        var tick = reader.ReadInt64();
        var time = reader.ReadUInt32();
        var ackCount = reader.ReadArrayHeader();
        if (ackCount % 2 != 0)
        {
            throw new MessagePackSerializationException($"Snapshot acks must be [entityId, seq] pairs, got {ackCount} values.");
        }
        var acks = ackCount == 0 ? Array.Empty<uint>() : new uint[ackCount];
        for (var i = 0; i < ackCount; i++)
        {
            acks[i] = reader.ReadUInt32();
        }
        var state = EmbeddedValue.ReadChecked(ref reader).ToArray();
        for (var i = 4; i < count; i++)
        {
            EmbeddedValue.SkipChecked(ref reader);
        }
        return new Snapshot(tick, time, acks, state);
    }
}

internal static class EmbeddedValue
{
    public const int MaxDepth = 32;

    public static ReadOnlySequence<byte> ReadChecked(ref MessagePackReader reader)
    {
        var peek = reader.CreatePeekReader();
        Walk(ref peek, 0);
        return reader.ReadRaw();
    }

    public static void SkipChecked(ref MessagePackReader reader) => Walk(ref reader, 0);

    private static void Walk(ref MessagePackReader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new MessagePackSerializationException($"Value nested deeper than {MaxDepth} levels.");
        }
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Array:
                var items = reader.ReadArrayHeader();
                for (var i = 0; i < items; i++)
                {
                    Walk(ref reader, depth + 1);
                }
                break;
            case MessagePackType.Map:
                var entries = reader.ReadMapHeader();
                for (var i = 0; i < entries * 2; i++)
                {
                    Walk(ref reader, depth + 1);
                }
                break;
            default:
                reader.Skip();
                break;
        }
    }
}
