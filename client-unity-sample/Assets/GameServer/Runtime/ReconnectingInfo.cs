#nullable enable
namespace GameServer.UnityClient
{
    /// <summary>The connection dropped and is about to wait, then try again; one per attempt.</summary>
    public sealed class ReconnectingInfo
    {
        public ReconnectingInfo(int attempt, int delayMs, int? closeCode, string? lastError)
        {
            Attempt = attempt;
            DelayMs = delayMs;
            CloseCode = closeCode;
            LastError = lastError;
        }

        /// <summary>1 for the first attempt after the drop.</summary>
        public int Attempt { get; }

        /// <summary>The backoff before this attempt.</summary>
        public int DelayMs { get; }

        /// <summary>The close code that ended the connection, or null if it dropped without one.</summary>
        public int? CloseCode { get; }

        /// <summary>Why the previous attempt failed, or null before the first.</summary>
        public string? LastError { get; }
    }
}
