namespace GameServer.UnityClient
{
    /// <summary>
    /// The <c>type</c> of each <c>[type, body]</c> message (docs/protocol.md §4). 1–9 are client → server, 10–19 server →
    /// client; codes are never reused.
    /// </summary>
    public static class MessageTypes
    {
        public const int Join = 1;
        public const int Input = 2;
        public const int Ping = 3;
        public const int Leave = 4;
        public const int Resume = 5;
        public const int Welcome = 10;
        public const int Snapshot = 11;
        public const int Pong = 12;
        public const int Error = 13;
        public const int Left = 14;
        public const int SettingsChanged = 15;
    }
}
