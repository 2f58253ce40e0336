namespace GameServer.UnityClient
{
    /// <summary>WebSocket close codes the server uses (docs/protocol.md §10) and which of them a client recovers from.</summary>
    public static class CloseCodes
    {
        public const int Normal = 1000;
        public const int GoingAway = 1001;
        public const int UnsupportedData = 1003;
        /// <summary>What a library reports for a connection lost without a close frame; never on the wire.</summary>
        public const int Abnormal = 1006;
        public const int InvalidPayload = 1007;
        public const int PolicyViolation = 1008;
        public const int MessageTooBig = 1009;
        public const int InternalError = 1011;
        public const int ServiceRestart = 1012;
        public const int TryAgainLater = 1013;
        /// <summary>The client read its snapshots too slowly.</summary>
        public const int SlowConsumer = 4001;
        /// <summary>The client sent nothing for the edge's idle timeout (30 s by default).</summary>
        public const int IdleTimeout = 4002;
        /// <summary>The edge is shutting down: reconnect at once (0–250 ms jitter) and Resume; the seat is waiting.</summary>
        public const int Draining = 4003;
        /// <summary>This seat was resumed on another connection (a second device): do not reconnect.</summary>
        public const int SessionTakenOver = 4004;

        /// <summary>
        /// Whether to reconnect (and Resume) after a connection ended with <paramref name="code"/>; null means it dropped
        /// without a close frame. Yes after 1001, 1006, 1011, 1012, 1013, 4001, 4002, 4003 and a drop; no after 1000, 1003,
        /// 1007, 1008, 1009, 4004 and anything unknown (docs/protocol.md §10).
        /// </summary>
        public static bool ShouldReconnect(int? code)
        {
            if (code == null)
            {
                return true;
            }
            switch (code.Value)
            {
                case GoingAway:
                case Abnormal:
                case InternalError:
                case ServiceRestart:
                case TryAgainLater:
                case SlowConsumer:
                case IdleTimeout:
                case Draining:
                    return true;
                default:
                    return false;
            }
        }
    }
}
