using MessagePack;

namespace GameServer.Protocol.Arena;

/// <summary>
/// The arena game state inside a snapshot: <c>[[entityId, x, y, vx, vy, hp], …]</c> with x, y as integers in
/// 1/<see cref="PositionScale"/> units and vx, vy as whole units per second. Quantizing keeps each entity at about 14 bytes.
/// </summary>
public static class ArenaState
{
    /// <summary>Wire positions are arena units times this (0.1-unit resolution).</summary>
    public const float PositionScale = 10f;

    /// <summary>Writes one entity; call after a header of the entity count.</summary>
    public static void WriteEntity(ref MessagePackWriter writer, in ArenaEntity entity) => WriteEntity(ref writer, Quantize(entity));

    /// <summary>Writes one entity as it goes on the wire; call after a header of the entity count.</summary>
    public static void WriteEntity(ref MessagePackWriter writer, in ArenaWireEntity entity)
    {
        writer.WriteArrayHeader(6);
        writer.Write(entity.EntityId);
        writer.Write(entity.X);
        writer.Write(entity.Y);
        writer.Write(entity.Vx);
        writer.Write(entity.Vy);
        writer.Write(entity.Hp);
    }

    /// <summary>A whole game state of these entities, as the server writes it.</summary>
    public static byte[] ToBytes(IReadOnlyList<ArenaWireEntity> entities)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(16 + (entities.Count * 16));
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(entities.Count);
        foreach (var entity in entities)
        {
            WriteEntity(ref writer, entity);
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An entity's wire values: positions in 1/<see cref="PositionScale"/> units, velocities in whole units, rounded to nearest (ties to even).</summary>
    public static ArenaWireEntity Quantize(in ArenaEntity entity) => new(
        entity.EntityId,
        (int)MathF.Round(entity.X * PositionScale),
        (int)MathF.Round(entity.Y * PositionScale),
        (int)MathF.Round(entity.Vx),
        (int)MathF.Round(entity.Vy),
        entity.Hp);

    /// <summary>Decodes a game state to its wire values, without scaling: what deltas are computed on.</summary>
    public static ArenaWireEntity[] ReadWire(ReadOnlyMemory<byte> gameState)
    {
        var reader = new MessagePackReader(gameState);
        if (gameState.IsEmpty || reader.TryReadNil())
        {
            return Array.Empty<ArenaWireEntity>();
        }
        var count = reader.ReadArrayHeader();
        var entities = new ArenaWireEntity[count];
        for (var i = 0; i < count; i++)
        {
            var fields = reader.ReadArrayHeader();
            if (fields < 6)
            {
                throw new MessagePackSerializationException($"Arena entity needs 6 fields, got {fields}.");
            }
            entities[i] = new ArenaWireEntity(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadByte());
            for (var f = 6; f < fields; f++)
            {
                reader.Skip();
            }
        }
        return entities;
    }

    /// <summary>Decodes a snapshot's <see cref="Snapshot.GameState"/> for the arena game; nil (no state) is no entities.</summary>
    public static ArenaEntity[] Read(ReadOnlyMemory<byte> gameState)
    {
        var wire = ReadWire(gameState);
        var entities = new ArenaEntity[wire.Length];
        for (var i = 0; i < wire.Length; i++)
        {
            var e = wire[i];
            entities[i] = new ArenaEntity(e.EntityId, e.X / PositionScale, e.Y / PositionScale, e.Vx, e.Vy, e.Hp);
        }
        return entities;
    }
}
