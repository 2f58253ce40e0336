namespace GameServer.UnityClient
{
    /// <summary>Left (14): the player is no longer in a room; the connection stays open (docs/protocol.md §5.9).</summary>
    public sealed class LeftMessage : ServerMessage
    {
        public LeftMessage(string roomId, string reason)
        {
            RoomId = roomId;
            Reason = reason;
        }

        public string RoomId { get; }

        /// <summary><c>"left"</c> or <c>"room-closed"</c>; treat unknown values as left.</summary>
        public string Reason { get; }
    }
}
