#nullable enable
using System;
using System.Collections.Generic;

namespace GameServer.UnityClient
{
    /// <summary>Snapshot (11): the room's authoritative state after a tick (docs/protocol.md §5.6).</summary>
    public sealed class SnapshotMessage : ServerMessage
    {
        private static readonly ArenaEntity[] s_noEntities = new ArenaEntity[0];

        public SnapshotMessage(long tick, uint serverTimeMs, uint[] acks, ReadOnlyMemory<byte> gameState, IReadOnlyList<ArenaEntity>? entities)
        {
            Tick = tick;
            ServerTimeMs = serverTimeMs;
            Acks = acks;
            GameState = gameState;
            Entities = entities ?? s_noEntities;
        }

        /// <summary>The tick this state results from. Goes backwards once when the room was restored from a checkpoint.</summary>
        public long Tick { get; }

        /// <summary>Milliseconds since the room started, by the room's clock.</summary>
        public uint ServerTimeMs { get; }

        /// <summary>Flat pairs <c>[entityId, lastProcessedSeq, …]</c>, one per player.</summary>
        public uint[] Acks { get; }

        /// <summary>The game state, one MessagePack value as sent (for games other than the arena).</summary>
        public ReadOnlyMemory<byte> GameState { get; }

        /// <summary>The arena's entities (docs/protocol.md §6), in arena units; empty for other games.</summary>
        public IReadOnlyList<ArenaEntity> Entities { get; }

        /// <summary>
        /// The connection's clock (<see cref="GameServerConnection.ClockMs"/>) when the frame arrived, set by the
        /// connection. Feed it to <see cref="SnapshotInterpolator.Add"/>: it is the arrival time, not the time the game
        /// got round to draining the event.
        /// </summary>
        public double ReceivedAtMs { get; internal set; }

        /// <summary>The last input sequence the server processed for <paramref name="entityId"/>, or 0.</summary>
        public uint AckFor(int entityId)
        {
            for (var i = 0; i + 1 < Acks.Length; i += 2)
            {
                if (Acks[i] == (uint)entityId)
                {
                    return Acks[i + 1];
                }
            }
            return 0;
        }

        /// <summary>The entity with <paramref name="entityId"/>, if this snapshot has it.</summary>
        public bool TryGetEntity(int entityId, out ArenaEntity entity)
        {
            for (var i = 0; i < Entities.Count; i++)
            {
                if (Entities[i].EntityId == entityId)
                {
                    entity = Entities[i];
                    return true;
                }
            }
            entity = default;
            return false;
        }
    }
}
