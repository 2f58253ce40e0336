namespace GameServer.UnityClient
{
    /// <summary>One arena player as a snapshot carries it (docs/protocol.md §6), converted to arena units.</summary>
    public readonly struct ArenaEntity
    {
        public ArenaEntity(int entityId, float x, float y, float vx, float vy, int hp)
        {
            EntityId = entityId;
            X = x;
            Y = y;
            Vx = vx;
            Vy = vy;
            Hp = hp;
        }

        /// <summary>Matches <see cref="WelcomeMessage.EntityId"/> and the acks.</summary>
        public int EntityId { get; }

        /// <summary>Position in arena units, 0–1000 (the wire carries tenths).</summary>
        public float X { get; }

        public float Y { get; }

        /// <summary>Velocity in arena units per second.</summary>
        public float Vx { get; }

        public float Vy { get; }

        public int Hp { get; }

        public override string ToString() => "#" + EntityId + " (" + X + ", " + Y + ") v=(" + Vx + ", " + Vy + ") hp=" + Hp;
    }
}
