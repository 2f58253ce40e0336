using System.Buffers;
using MessagePack;

namespace GameServer.Protocol;

/// <summary>
/// Snapshot body: <c>[tick, serverTimeMs, [entityId, seq, …], gameState]</c>; the game state is the game's own
/// MessagePack value, embedded raw so a client decodes the whole frame in one pass.
/// </summary>
public static class SnapshotFormatter
{
    /// <summary>
    /// Writes a whole snapshot frame up to (not including) the game state: <c>[11, [tick, time, acks, </c>.
    /// The caller must then write exactly one MessagePack value, the game state. Used on the per-tick path to
    /// serialize once without intermediate objects.
    /// </summary>
    public static void WriteFrameHeader(ref MessagePackWriter writer, long tick, uint serverTimeMs, ReadOnlySpan<uint> acks)
    {
        writer.WriteArrayHeader(2);
        writer.Write(MessageType.Snapshot);
        WriteBodyHeader(ref writer, tick, serverTimeMs, acks);
    }

    /// <summary>Writes the body up to (not including) the game state.</summary>
    internal static void WriteBodyHeader(ref MessagePackWriter writer, long tick, uint serverTimeMs, ReadOnlySpan<uint> acks)
    {
        writer.WriteArrayHeader(4);
        writer.Write(tick);
        writer.Write(serverTimeMs);
        writer.WriteArrayHeader(acks.Length);
        foreach (var value in acks)
        {
            writer.Write(value);
        }
    }

    /// <summary>Reads a body after its array header of <paramref name="count"/> fields.</summary>
    internal static Snapshot ReadBody(ref MessagePackReader reader, int count)
    {
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
            EmbeddedValue.SkipChecked(ref reader); // fields appended by later protocol versions
        }
        return new Snapshot(tick, time, acks, state);
    }
}
