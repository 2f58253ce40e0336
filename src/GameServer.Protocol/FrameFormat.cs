using MessagePack;

namespace GameServer.Protocol;

/// <summary>What every message body shares: the frame header, nullable strings, skipping fields a later version appended.</summary>
internal static class FrameFormat
{
    /// <summary>Writes <c>[type, [</c> with a body of <paramref name="fields"/> fields.</summary>
    public static void WriteHeader(ref MessagePackWriter writer, int type, int fields)
    {
        writer.WriteArrayHeader(2);
        writer.Write(type);
        writer.WriteArrayHeader(fields);
    }

    public static string? ReadString(ref MessagePackReader reader) => reader.TryReadNil() ? null : reader.ReadString();

    /// <summary>Most entries a string map (room properties, metadata) may have on the wire.</summary>
    public const int MaxMapEntries = 16;

    /// <summary>A map of strings to strings, or null for nil; more than <see cref="MaxMapEntries"/> entries is malformed.</summary>
    public static Dictionary<string, string>? ReadStringMap(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        var count = reader.ReadMapHeader();
        if (count > MaxMapEntries)
        {
            throw new MessagePackSerializationException($"A map of properties has {count} entries; at most {MaxMapEntries} are allowed.");
        }
        var map = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString() ?? throw new MessagePackSerializationException("A property name is nil.");
            var value = reader.ReadString() ?? throw new MessagePackSerializationException($"Property '{key}' has a nil value.");
            map[key] = value;
        }
        return map;
    }

    /// <summary>Writes <paramref name="map"/> (nil when null) with its entries in ordinal key order, so equal maps encode alike.</summary>
    public static void WriteStringMap(ref MessagePackWriter writer, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteMapHeader(map.Count);
        foreach (var (key, value) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    /// <summary>
    /// Skips the fields after the <paramref name="known"/> this version reads. <see cref="MessagePackReader.Skip"/>
    /// walks nesting iteratively, so a deep value costs no stack.
    /// </summary>
    public static void SkipExtraFields(ref MessagePackReader reader, int count, int known)
    {
        for (var i = known; i < count; i++)
        {
            reader.Skip();
        }
    }
}
