#nullable enable
namespace GameServer.UnityClient
{
    /// <summary>Welcome (10): the answer to a successful Join or Resume (docs/protocol.md §5.5).</summary>
    public sealed class WelcomeMessage : ServerMessage
    {
        public WelcomeMessage(
            string playerId, string roomId, string roomType, int entityId, int tickRateHz, int snapshotEveryTicks,
            long currentTick, string resumeToken, int maxPlayers, bool resumed, int reconnectGraceSeconds)
        {
            PlayerId = playerId;
            RoomId = roomId;
            RoomType = roomType;
            EntityId = entityId;
            TickRateHz = tickRateHz;
            SnapshotEveryTicks = snapshotEveryTicks;
            CurrentTick = currentTick;
            ResumeToken = resumeToken;
            MaxPlayers = maxPlayers;
            Resumed = resumed;
            ReconnectGraceSeconds = reconnectGraceSeconds;
        }

        /// <summary>The player id (the token's subject).</summary>
        public string PlayerId { get; }

        /// <summary><c>&lt;roomType&gt;:&lt;suffix&gt;</c>.</summary>
        public string RoomId { get; }

        public string RoomType { get; }

        /// <summary>This player's entity in snapshots and acks. Same after a resume; new after a fresh join.</summary>
        public int EntityId { get; }

        /// <summary>Simulation ticks per second (default 20). Updated by SettingsChanged.</summary>
        public int TickRateHz { get; }

        /// <summary>One snapshot every this many ticks (default 1).</summary>
        public int SnapshotEveryTicks { get; }

        /// <summary>The room's tick at the moment of the welcome.</summary>
        public long CurrentTick { get; }

        /// <summary>The secret for Resume; every welcome replaces it. Never log or share it.</summary>
        public string ResumeToken { get; }

        public int MaxPlayers { get; }

        /// <summary>True when this answers a Resume: same entity, the input sequence continues.</summary>
        public bool Resumed { get; }

        /// <summary>How long the room keeps the seat after a drop; 0 means the server cannot resume (join again instead).</summary>
        public int ReconnectGraceSeconds { get; }

        /// <summary>This welcome with the tick settings a SettingsChanged announced.</summary>
        public WelcomeMessage WithSettings(SettingsChangedMessage changed) =>
            new WelcomeMessage(
                PlayerId, RoomId, RoomType, EntityId, changed.TickRateHz, changed.SnapshotEveryTicks, CurrentTick, ResumeToken,
                changed.MaxPlayers, Resumed, ReconnectGraceSeconds);
    }
}
