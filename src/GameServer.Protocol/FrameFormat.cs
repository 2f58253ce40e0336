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
