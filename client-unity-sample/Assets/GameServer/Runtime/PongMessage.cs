namespace GameServer.UnityClient
{
    /// <summary>Pong (12): the answer to Ping (docs/protocol.md §5.7).</summary>
    public sealed class PongMessage : ServerMessage
    {
        public PongMessage(double clientTimeMs, long serverTimeMs)
        {
            ClientTimeMs = clientTimeMs;
            ServerTimeMs = serverTimeMs;
        }

        /// <summary>The Ping's value, echoed.</summary>
        public double ClientTimeMs { get; }

        /// <summary>The server's Unix time in ms when it answered.</summary>
        public long ServerTimeMs { get; }
    }
}
