using System.Buffers;
using MessagePack;

namespace GameServer.Protocol.Arena;

/// <summary>
/// The arena's delta of its game state, <c>[updates, removed]</c>, written by the server plug-in and applied by
/// clients. <c>updates</c> is one flat array of records <c>entityId, mask, d…</c>: bit 0 of <c>mask</c> is x, bit 1 y,
/// bit 2 vx, bit 3 vy, bit 4 hp, and one signed difference of the wire value follows for each bit set, in bit order.
/// An entity not in the previous state is listed (even with mask 0) against an all-zero entity and appended;
/// <c>removed</c> lists the entity ids that left. Entities not mentioned are unchanged.
/// </summary>
public sealed class ArenaDelta : IGameStateDelta
{
    public const int XBit = 1;
    public const int YBit = 2;
    public const int VxBit = 4;
    public const int VyBit = 8;
    public const int HpBit = 16;

    /// <summary>Most values one entity's record takes: id, mask and five differences.</summary>
    private const int MaxRecordValues = 7;

    public static ArenaDelta Instance { get; } = new();

    /// <summary>Writes the delta from <paramref name="previous"/> to <paramref name="current"/> as one MessagePack value.</summary>
    public static void Write(ref MessagePackWriter writer, ReadOnlySpan<ArenaWireEntity> previous, ReadOnlySpan<ArenaWireEntity> current)
    {
        var values = ArrayPool<int>.Shared.Rent(Math.Max(1, current.Length * MaxRecordValues));
        try
        {
            var count = 0;
            var hint = 0;
            foreach (var entity in current)
            {
                var at = Find(previous, entity.EntityId, ref hint);
                var before = at >= 0 ? previous[at] : new ArenaWireEntity(entity.EntityId, 0, 0, 0, 0, 0);
                var mask = (entity.X != before.X ? XBit : 0)
                    | (entity.Y != before.Y ? YBit : 0)
                    | (entity.Vx != before.Vx ? VxBit : 0)
                    | (entity.Vy != before.Vy ? VyBit : 0)
                    | (entity.Hp != before.Hp ? HpBit : 0);
                if (mask == 0 && at >= 0)
                {
                    continue;
                }
                values[count++] = entity.EntityId;
                values[count++] = mask;
                if ((mask & XBit) != 0)
                {
                    values[count++] = entity.X - before.X;
                }
                if ((mask & YBit) != 0)
                {
                    values[count++] = entity.Y - before.Y;
                }
                if ((mask & VxBit) != 0)
                {
                    values[count++] = entity.Vx - before.Vx;
                }
                if ((mask & VyBit) != 0)
                {
                    values[count++] = entity.Vy - before.Vy;
                }
                if ((mask & HpBit) != 0)
                {
                    values[count++] = entity.Hp - before.Hp;
                }
            }
            writer.WriteArrayHeader(2);
            writer.WriteArrayHeader(count);
            for (var i = 0; i < count; i++)
            {
                writer.Write(values[i]);
            }

            var removed = 0;
            hint = 0;
            foreach (var entity in previous)
            {
                if (Find(current, entity.EntityId, ref hint) < 0)
                {
                    removed++;
                }
            }
            writer.WriteArrayHeader(removed);
            hint = 0;
            foreach (var entity in previous)
            {
                if (Find(current, entity.EntityId, ref hint) < 0)
                {
                    writer.Write(entity.EntityId);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(values);
        }
    }

    /// <summary>
    /// The state after <paramref name="delta"/>: the previous entities in their order, minus the removed, with their
    /// changes, then the new ones in the order listed. Written as the server writes a full state, so it is byte for
    /// byte the room's own.
    /// </summary>
    public byte[] Apply(ReadOnlyMemory<byte> previousState, ReadOnlyMemory<byte> delta)
    {
        try
        {
            return ApplyChecked(previousState, delta);
        }
        catch (OverflowException ex)
        {
            throw new MessagePackSerializationException("An arena delta takes a value out of its range.", ex);
        }
    }

    private static byte[] ApplyChecked(ReadOnlyMemory<byte> previousState, ReadOnlyMemory<byte> delta)
    {
        var entities = new List<ArenaWireEntity>(ArenaState.ReadWire(previousState));
        var reader = new MessagePackReader(delta);
        if (reader.ReadArrayHeader() < 2)
        {
            throw new MessagePackSerializationException("An arena delta must be [updates, removed].");
        }
        var count = reader.ReadArrayHeader();
        var read = 0;
        var added = new List<ArenaWireEntity>();
        while (read < count)
        {
            if (count - read < 2)
            {
                throw new MessagePackSerializationException("An arena delta record needs an entity id and a mask.");
            }
            var id = reader.ReadInt32();
            var mask = reader.ReadInt32();
            read += 2;
            if (mask is < 0 or > (XBit | YBit | VxBit | VyBit | HpBit))
            {
                throw new MessagePackSerializationException($"Arena delta mask {mask} of entity {id} has unknown bits.");
            }
            var index = entities.FindIndex(e => e.EntityId == id);
            var entity = index >= 0 ? entities[index] : new ArenaWireEntity(id, 0, 0, 0, 0, 0);
            for (var bit = XBit; bit <= HpBit; bit <<= 1)
            {
                if ((mask & bit) == 0)
                {
                    continue;
                }
                if (read >= count)
                {
                    throw new MessagePackSerializationException($"Arena delta record of entity {id} is cut short.");
                }
                var change = reader.ReadInt32();
                read++;
                entity = bit switch
                {
                    XBit => entity with { X = checked(entity.X + change) },
                    YBit => entity with { Y = checked(entity.Y + change) },
                    VxBit => entity with { Vx = checked(entity.Vx + change) },
                    VyBit => entity with { Vy = checked(entity.Vy + change) },
                    _ => entity with { Hp = ToHp(entity.Hp + change, id) },
                };
            }
            if (index >= 0)
            {
                entities[index] = entity;
            }
            else
            {
                added.Add(entity);
            }
        }
        var removed = reader.ReadArrayHeader();
        for (var i = 0; i < removed; i++)
        {
            var id = reader.ReadInt32();
            entities.RemoveAll(e => e.EntityId == id);
        }
        entities.AddRange(added);
        return ArenaState.ToBytes(entities);
    }

    private static byte ToHp(int value, int entityId) =>
        value is >= 0 and <= byte.MaxValue
            ? (byte)value
            : throw new MessagePackSerializationException($"Arena delta takes entity {entityId}'s hp out of range ({value}).");

    private static int Find(ReadOnlySpan<ArenaWireEntity> entities, int entityId, ref int hint)
    {
        for (var k = 0; k < entities.Length; k++)
        {
            var at = (hint + k) % entities.Length;
            if (entities[at].EntityId == entityId)
            {
                hint = at + 1;
                return at;
            }
        }
        return -1;
    }
}
