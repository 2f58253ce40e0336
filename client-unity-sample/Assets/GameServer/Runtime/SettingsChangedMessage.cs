namespace GameServer.UnityClient
{
    /// <summary>SettingsChanged (15): a designer changed the room's rates live (docs/protocol.md §5.10).</summary>
    public sealed class SettingsChangedMessage : ServerMessage
    {
        public SettingsChangedMessage(long tick, int tickRateHz, int snapshotEveryTicks, int maxPlayers)
        {
            Tick = tick;
            TickRateHz = tickRateHz;
            SnapshotEveryTicks = snapshotEveryTicks;
            MaxPlayers = maxPlayers;
        }

        /// <summary>The first tick run with the new settings.</summary>
        public long Tick { get; }

        public int TickRateHz { get; }

        public int SnapshotEveryTicks { get; }

        public int MaxPlayers { get; }
    }
}
