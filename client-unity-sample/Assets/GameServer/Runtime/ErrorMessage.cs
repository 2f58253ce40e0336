namespace GameServer.UnityClient
{
    /// <summary>Error (13): one request failed (docs/protocol.md §5.8, codes in §9 and <see cref="ErrorCodes"/>).</summary>
    public sealed class ErrorMessage : ServerMessage
    {
        public ErrorMessage(int code, string message)
        {
            Code = code;
            Message = message;
        }

        public int Code { get; }

        /// <summary>A human-readable reason for logs; don't parse it.</summary>
        public string Message { get; }

        public override string ToString() => "Error " + Code + ": " + Message;
    }
}
