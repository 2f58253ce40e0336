using System.Buffers;
using MessagePack;

namespace GameServer.Protocol;

/// <summary>
/// Delta body (gameserver.v2): <c>[tick, baseTick, serverTimeMs, [step, changes, removed], gameDelta]</c>. The server
/// writes it once per room per tick next to the full snapshot; a client applies it to the snapshot of <c>baseTick</c>.
/// </summary>
public static class DeltaFormatter
{
    private const int BodyFields = 5;

    /// <summary>
    /// Writes a whole delta frame up to (not including) the game delta: <c>[16, [tick, baseTick, time, acks, </c>, with
    /// the acks as the change from <paramref name="baseAcks"/> to <paramref name="acks"/> (both flat
    /// <c>entityId, seq</c> pairs). The caller must then write exactly one MessagePack value, the game's delta.
    /// </summary>
    public static void WriteFrameHeader(
        ref MessagePackWriter writer, long tick, long baseTick, uint serverTimeMs, ReadOnlySpan<uint> baseAcks, ReadOnlySpan<uint> acks)
    {
        writer.WriteArrayHeader(2);
        writer.Write(MessageType.Delta);
        writer.WriteArrayHeader(BodyFields);
        writer.Write(tick);
        writer.Write(baseTick);
        writer.Write(serverTimeMs);
        WriteAcks(ref writer, baseAcks, acks);
    }

    /// <summary>Writes a whole delta frame from a decoded <see cref="Delta"/> (tests, examples).</summary>
    internal static void Write(ref MessagePackWriter writer, Delta delta)
    {
        writer.WriteArrayHeader(2);
        writer.Write(MessageType.Delta);
        writer.WriteArrayHeader(BodyFields);
        writer.Write(delta.Tick);
        writer.Write(delta.BaseTick);
        writer.Write(delta.ServerTimeMs);
        writer.WriteArrayHeader(3);
        writer.Write(delta.Acks.Step);
        WriteLongs(ref writer, delta.Acks.Changes.Span);
        writer.WriteArrayHeader(delta.Acks.Removed.Length);
        foreach (var id in delta.Acks.Removed.Span)
        {
            writer.Write(id);
        }
        EmbeddedValue.Write(ref writer, delta.GameDelta.Span);
    }

    /// <summary>
    /// <c>[step, changes, removed]</c>. The step is the change most players share (one per tick at one input per tick), so
    /// usually only the players who sent no input or two in a tick are listed.
    /// </summary>
    private static void WriteAcks(ref MessagePackWriter writer, ReadOnlySpan<uint> baseAcks, ReadOnlySpan<uint> acks)
    {
        var step = CommonStep(baseAcks, acks);
        writer.WriteArrayHeader(3);
        writer.Write(step);

        var listed = 0;
        var hint = 0;
        for (var i = 0; i + 1 < acks.Length; i += 2)
        {
            var at = Find(baseAcks, acks[i], ref hint);
            if (at < 0 || (long)acks[i + 1] - baseAcks[at + 1] != step)
            {
                listed++;
            }
        }
        writer.WriteArrayHeader(listed * 2);
        hint = 0;
        for (var i = 0; i + 1 < acks.Length; i += 2)
        {
            var at = Find(baseAcks, acks[i], ref hint);
            var change = at < 0 ? acks[i + 1] : (long)acks[i + 1] - baseAcks[at + 1];
            if (at < 0 || change != step)
            {
                writer.Write(acks[i]);
                writer.Write(change);
            }
        }

        var removed = 0;
        hint = 0;
        for (var i = 0; i + 1 < baseAcks.Length; i += 2)
        {
            if (Find(acks, baseAcks[i], ref hint) < 0)
            {
                removed++;
            }
        }
        writer.WriteArrayHeader(removed);
        hint = 0;
        for (var i = 0; i + 1 < baseAcks.Length; i += 2)
        {
            if (Find(acks, baseAcks[i], ref hint) < 0)
            {
                writer.Write(baseAcks[i]);
            }
        }
    }

    /// <summary>The most frequent non-negative change among players in both lists (the smallest on a tie), else 0.</summary>
    private static uint CommonStep(ReadOnlySpan<uint> baseAcks, ReadOnlySpan<uint> acks)
    {
        long best = 0;
        var bestCount = 0;
        var hint = 0;
        for (var i = 0; i + 1 < acks.Length; i += 2)
        {
            var at = Find(baseAcks, acks[i], ref hint);
            if (at < 0 || acks[i + 1] < baseAcks[at + 1])
            {
                continue;
            }
            long candidate = acks[i + 1] - baseAcks[at + 1];
            var count = 0;
            var inner = 0;
            for (var j = 0; j + 1 < acks.Length; j += 2)
            {
                var other = Find(baseAcks, acks[j], ref inner);
                if (other >= 0 && (long)acks[j + 1] - baseAcks[other + 1] == candidate)
                {
                    count++;
                }
            }
            if (count > bestCount || (count == bestCount && candidate < best))
            {
                best = candidate;
                bestCount = count;
            }
        }
        return (uint)best;
    }

    /// <summary>
    /// Index of <paramref name="entityId"/>'s pair in <paramref name="pairs"/>, or -1. Players keep their order from one
    /// snapshot to the next, so the search starts after the last hit (<paramref name="hint"/>) and usually finds it there.
    /// </summary>
    private static int Find(ReadOnlySpan<uint> pairs, uint entityId, ref int hint)
    {
        var count = pairs.Length / 2;
        for (var k = 0; k < count; k++)
        {
            var at = ((hint + k) % count) * 2;
            if (pairs[at] == entityId)
            {
                hint = (at / 2) + 1;
                return at;
            }
        }
        return -1;
    }

    private static void WriteLongs(ref MessagePackWriter writer, ReadOnlySpan<long> values)
    {
        writer.WriteArrayHeader(values.Length);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    /// <summary>Reads a body after its array header of <paramref name="count"/> fields.</summary>
    internal static Delta ReadBody(ref MessagePackReader reader, int count)
    {
        if (count < BodyFields)
        {
            throw new MessagePackSerializationException($"Delta needs 5 fields [tick, baseTick, serverTimeMs, acks, gameDelta], got {count}.");
        }
        var tick = reader.ReadInt64();
        var baseTick = reader.ReadInt64();
        var time = reader.ReadUInt32();
        var acks = ReadAcks(ref reader);
        var state = EmbeddedValue.ReadChecked(ref reader).ToArray();
        for (var i = BodyFields; i < count; i++)
        {
            EmbeddedValue.SkipChecked(ref reader); // fields appended by later protocol versions
        }
        return new Delta(tick, baseTick, time, acks, state);
    }

    private static AckDelta ReadAcks(ref MessagePackReader reader)
    {
        var fields = reader.ReadArrayHeader();
        if (fields < 3)
        {
            throw new MessagePackSerializationException($"Delta acks need 3 fields [step, changes, removed], got {fields}.");
        }
        var step = reader.ReadUInt32();
        var changeCount = reader.ReadArrayHeader();
        if (changeCount % 2 != 0)
        {
            throw new MessagePackSerializationException($"Delta ack changes must be [entityId, change] pairs, got {changeCount} values.");
        }
        var changes = changeCount == 0 ? Array.Empty<long>() : new long[changeCount];
        for (var i = 0; i < changeCount; i += 2)
        {
            changes[i] = reader.ReadUInt32();
            changes[i + 1] = reader.ReadInt64();
        }
        var removedCount = reader.ReadArrayHeader();
        var removed = removedCount == 0 ? Array.Empty<uint>() : new uint[removedCount];
        for (var i = 0; i < removedCount; i++)
        {
            removed[i] = reader.ReadUInt32();
        }
        for (var i = 3; i < fields; i++)
        {
            EmbeddedValue.SkipChecked(ref reader);
        }
        return new AckDelta(step, changes, removed);
    }

    /// <summary>
    /// The full snapshot <paramref name="delta"/> describes, from the snapshot of its base tick: acks in the base's order
    /// (removed ones left out, new ones appended), the game state from <paramref name="game"/> (a nil game delta keeps
    /// the state). Throws <see cref="MessagePackSerializationException"/> when the delta does not fit the base.
    /// </summary>
    public static Snapshot Apply(Snapshot baseSnapshot, Delta delta, IGameStateDelta? game)
    {
        if (baseSnapshot is null)
        {
            throw new ArgumentNullException(nameof(baseSnapshot));
        }
        if (delta is null)
        {
            throw new ArgumentNullException(nameof(delta));
        }
        if (delta.BaseTick != baseSnapshot.Tick)
        {
            throw new MessagePackSerializationException($"The delta of tick {delta.Tick} applies to tick {delta.BaseTick}, not {baseSnapshot.Tick}.");
        }
        var acks = ApplyAcks(baseSnapshot.Acks.Span, delta.Acks);
        ReadOnlyMemory<byte> state;
        if (delta.GameDelta.IsEmpty || (delta.GameDelta.Length == 1 && delta.GameDelta.Span[0] == MessagePackCode.Nil))
        {
            state = baseSnapshot.GameState;
        }
        else
        {
            if (game is null)
            {
                throw new MessagePackSerializationException("The delta changes the game state, and no IGameStateDelta was given to apply it.");
            }
            state = game.Apply(baseSnapshot.GameState, delta.GameDelta);
        }
        return new Snapshot(delta.Tick, delta.ServerTimeMs, acks, state);
    }

    /// <summary>The acks (flat pairs) after <paramref name="delta"/>, from the base snapshot's.</summary>
    public static uint[] ApplyAcks(ReadOnlySpan<uint> baseAcks, AckDelta delta)
    {
        var changes = delta.Changes.Span;
        var removed = delta.Removed.Span;
        var result = new List<uint>(baseAcks.Length + changes.Length);
        for (var i = 0; i + 1 < baseAcks.Length; i += 2)
        {
            var id = baseAcks[i];
            if (removed.IndexOf(id) >= 0)
            {
                continue;
            }
            var change = (long)delta.Step;
            for (var c = 0; c + 1 < changes.Length; c += 2)
            {
                if (changes[c] == id)
                {
                    change = changes[c + 1];
                    break;
                }
            }
            result.Add(id);
            result.Add(ToSeq(baseAcks[i + 1] + change, id));
        }
        for (var c = 0; c + 1 < changes.Length; c += 2)
        {
            var id = (uint)changes[c];
            if (!ContainsEntity(baseAcks, id))
            {
                result.Add(id);
                result.Add(ToSeq(changes[c + 1], id));
            }
        }
        return result.ToArray();
    }

    private static bool ContainsEntity(ReadOnlySpan<uint> pairs, uint entityId)
    {
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            if (pairs[i] == entityId)
            {
                return true;
            }
        }
        return false;
    }

    private static uint ToSeq(long value, uint entityId) =>
        value is >= 0 and <= uint.MaxValue
            ? (uint)value
            : throw new MessagePackSerializationException($"The delta takes entity {entityId}'s ack out of range ({value}).");

    /// <summary>
    /// Reads only a delta frame's ticks and what happened to one player's ack, without decoding the rest: what a client
    /// that does not render needs (load bots). <paramref name="change"/> is what to add to the player's ack in the base
    /// (from 0 when the base had none), or null when the delta removes the player or the player is not in the room.
    /// Returns false when the frame is not a well-formed delta header.
    /// </summary>
    public static bool TryReadHeader(ReadOnlyMemory<byte> frame, int entityId, bool inBase, out long tick, out long baseTick, out long? change)
    {
        tick = 0;
        baseTick = 0;
        change = null;
        try
        {
            var reader = new MessagePackReader(frame);
            if (reader.ReadArrayHeader() != 2 || reader.ReadInt32() != MessageType.Delta || reader.ReadArrayHeader() < BodyFields)
            {
                return false;
            }
            tick = reader.ReadInt64();
            baseTick = reader.ReadInt64();
            reader.ReadUInt32();
            if (reader.ReadArrayHeader() < 3)
            {
                return false;
            }
            var step = reader.ReadUInt32();
            var values = reader.ReadArrayHeader();
            for (var i = 0; i + 1 < values; i += 2)
            {
                var id = reader.ReadInt64();
                var value = reader.ReadInt64();
                if (id == entityId)
                {
                    change = value;
                    return true;
                }
            }
            var removed = reader.ReadArrayHeader();
            for (var i = 0; i < removed; i++)
            {
                if (reader.ReadInt64() == entityId)
                {
                    return true;
                }
            }
            change = inBase ? step : null;
            return true;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            return false;
        }
    }
}
