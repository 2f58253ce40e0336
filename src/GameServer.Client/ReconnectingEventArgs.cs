namespace GameServer.Client;

/// <summary>Raised before each reconnect attempt, just before its backoff delay starts.</summary>
public sealed class ReconnectingEventArgs : EventArgs
{
    internal ReconnectingEventArgs(int attempt, TimeSpan delay, int? closeCode, string? closeReason, Exception? lastError)
    {
        Attempt = attempt;
        Delay = delay;
        CloseCode = closeCode;
        CloseReason = closeReason;
        LastError = lastError;
    }

    /// <summary>This attempt's number, from 1 up to <see cref="ReconnectOptions.MaxAttempts"/>.</summary>
    public int Attempt { get; }

    /// <summary>How long the client waits before this attempt.</summary>
    public TimeSpan Delay { get; }

    /// <summary>The close code that ended the connection (e.g. 4003 Draining), or null when it dropped without a close frame (1006).</summary>
    public int? CloseCode { get; }

    /// <summary>The server's close reason, if any.</summary>
    public string? CloseReason { get; }

    /// <summary>Why the previous attempt failed (refused handshake, no answer to the resume, …); null before the first.</summary>
    public Exception? LastError { get; }
}
