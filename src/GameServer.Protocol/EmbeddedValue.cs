using System.Buffers;
using MessagePack;

namespace GameServer.Protocol;

/// <summary>
/// Reads a game-defined value (input payload, game state) that is embedded raw. <c>ReadRaw</c> alone would skip any
/// nesting unchecked, so the value is walked first with a depth limit: hostile frames cannot hand a game's reader
/// thousands of nested arrays.
/// </summary>
internal static class EmbeddedValue
{
    /// <summary>Deepest nesting accepted inside an embedded value.</summary>
    public const int MaxDepth = 32;

    public static ReadOnlySequence<byte> ReadChecked(ref MessagePackReader reader)
    {
        // One pass: the walk consumes exactly the bytes ReadRaw would, so the value is the slice it crossed.
        var start = reader.Position;
        Walk(ref reader, 0);
        return reader.Sequence.Slice(start, reader.Position);
    }

    /// <summary>Writes an embedded value as-is, or nil when there is none.</summary>
    public static void Write(ref MessagePackWriter writer, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteRaw(value);
        }
    }

    /// <summary>Skips one value of a later protocol version's extra field, with the same depth limit.</summary>
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
