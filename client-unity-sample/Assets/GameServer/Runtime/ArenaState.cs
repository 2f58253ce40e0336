#nullable enable
using System;
using MessagePack;

namespace GameServer.UnityClient
{
    /// <summary>The arena game's payloads (docs/protocol.md §6): state <c>[[entityId, x, y, vx, vy, hp], …]</c>.</summary>
    public static class ArenaState
    {
        /// <summary>The room type of the arena game.</summary>
        public const string RoomType = "arena";

        /// <summary>Wire positions are arena units times this (tenths of a unit).</summary>
        public const float PositionScale = 10f;

        /// <summary>The arena is this many units square.</summary>
        public const float ArenaSize = 1000f;

        /// <summary>Decodes the arena state; nil (a game that wrote nothing) gives no entities.</summary>
        /// <exception cref="FormatException">The state does not have the arena's shape.</exception>
        public static ArenaEntity[] Read(ReadOnlyMemory<byte> gameState)
        {
            var reader = new MessagePackReader(gameState);
            if (reader.TryReadNil())
            {
                return new ArenaEntity[0];
            }
            var count = reader.ReadArrayHeader();
            var entities = new ArenaEntity[count];
            for (var i = 0; i < count; i++)
            {
                var fields = reader.ReadArrayHeader();
                if (fields < 6)
                {
                    throw new FormatException("An arena entity needs 6 fields [entityId, x, y, vx, vy, hp]; this one has " + fields + ".");
                }
                var id = reader.ReadInt32();
                var x = reader.ReadInt32() / PositionScale;
                var y = reader.ReadInt32() / PositionScale;
                var vx = reader.ReadInt32();
                var vy = reader.ReadInt32();
                var hp = reader.ReadInt32();
                // Fields a later server version appends are skipped (docs/protocol.md §11).
                for (var f = 6; f < fields; f++)
                {
                    reader.Skip();
                }
                entities[i] = new ArenaEntity(id, x, y, vx, vy, hp);
            }
            return entities;
        }
    }
}
