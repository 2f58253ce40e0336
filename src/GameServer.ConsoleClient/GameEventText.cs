using System.Globalization;
using System.Text;
using GameServer.Protocol;
using MessagePack;

namespace GameServer.ConsoleClient;

/// <summary>
/// A game event as one line of text, e.g. <c>event seq=3 tick=120 ["tag",4,7,"red"]</c>. The payload is walked with
/// <see cref="MessagePackReader"/> (no serializer, nothing for NativeAOT to generate); JSON-like, not JSON.
/// </summary>
internal static class GameEventText
{
    private const int MaxDepth = 16;

    public static string Format(GameEvent gameEvent)
    {
        var text = new StringBuilder("event seq=").Append(gameEvent.Seq.ToString(CultureInfo.InvariantCulture))
            .Append(" tick=").Append(gameEvent.Tick.ToString(CultureInfo.InvariantCulture)).Append(' ');
        try
        {
            var reader = new MessagePackReader(gameEvent.Payload);
            Append(ref reader, text, 0);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            text.Append("<undecodable ").Append(gameEvent.Payload.Length).Append(" bytes>");
        }
        return text.ToString();
    }

    private static void Append(ref MessagePackReader reader, StringBuilder text, int depth)
    {
        if (depth > MaxDepth)
        {
            reader.Skip();
            text.Append('…');
            return;
        }
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                text.Append("null");
                break;
            case MessagePackType.Boolean:
                text.Append(reader.ReadBoolean() ? "true" : "false");
                break;
            case MessagePackType.Integer:
                text.Append(reader.NextCode == MessagePackCode.UInt64
                    ? reader.ReadUInt64().ToString(CultureInfo.InvariantCulture)
                    : reader.ReadInt64().ToString(CultureInfo.InvariantCulture));
                break;
            case MessagePackType.Float:
                text.Append(reader.ReadDouble().ToString("R", CultureInfo.InvariantCulture));
                break;
            case MessagePackType.String:
                text.Append('"').Append(reader.ReadString()).Append('"');
                break;
            case MessagePackType.Array:
                var items = reader.ReadArrayHeader();
                text.Append('[');
                for (var i = 0; i < items; i++)
                {
                    text.Append(i > 0 ? "," : "");
                    Append(ref reader, text, depth + 1);
                }
                text.Append(']');
                break;
            case MessagePackType.Map:
                var pairs = reader.ReadMapHeader();
                text.Append('{');
                for (var i = 0; i < pairs; i++)
                {
                    text.Append(i > 0 ? "," : "");
                    Append(ref reader, text, depth + 1);
                    text.Append(':');
                    Append(ref reader, text, depth + 1);
                }
                text.Append('}');
                break;
            default:
                reader.Skip(); // binary and extension values: their size is all a line can usefully show
                text.Append("<binary>");
                break;
        }
    }
}
