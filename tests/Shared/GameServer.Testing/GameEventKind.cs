using GameServer.Protocol;
using MessagePack;

namespace GameServer.Testing;

/// <summary>The sample games write each event as an array whose first element names its kind (<c>["swap", 2]</c>).</summary>
public static class GameEventKind
{
    /// <summary>The event's kind, e.g. <c>"welcome"</c>, <c>"tag"</c>; empty when the payload does not start with a string.</summary>
    public static string Of(GameEvent e)
    {
        var reader = new MessagePackReader(e.Payload);
        if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() == 0 || reader.NextMessagePackType != MessagePackType.String)
        {
            return "";
        }
        return reader.ReadString() ?? "";
    }
}
