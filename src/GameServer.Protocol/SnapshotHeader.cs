using MessagePack;

namespace GameServer.Protocol;

/// <summary>
/// Reads only a snapshot frame's tick and one player's ack, without decoding the game state: what a client needs to
/// track acknowledgements when it does not render (load bots read hundreds of snapshots a second).
/// </summary>
public static class SnapshotHeader
{
    /// <summary>
    /// Reads the tick of a <see cref="Snapshot"/> frame and the ack for <paramref name="entityId"/> (null when the
    /// snapshot has none for it). Returns false when the frame is not a well-formed snapshot header.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> frame, int entityId, out long tick, out uint? ack)
    {
        tick = 0;
        ack = null;
        try
        {
            var reader = new MessagePackReader(frame);
            if (reader.ReadArrayHeader() != 2 || reader.ReadInt32() != MessageType.Snapshot || reader.ReadArrayHeader() < 4)
            {
                return false;
            }
            tick = reader.ReadInt64();
            reader.ReadUInt32();
            var values = reader.ReadArrayHeader();
            for (var i = 0; i + 1 < values; i += 2)
            {
                var id = reader.ReadInt32();
                var seq = reader.ReadUInt32();
                if (id == entityId)
                {
                    ack = seq;
                    break;
                }
            }
            return true;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            return false;
        }
    }
}
