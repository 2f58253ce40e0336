namespace GameServer.Client;

/// <summary>
/// Raised when a reconnect succeeded: the connection is back, and when the client was in a room the resume was
/// answered (after <see cref="GameClient.Resumed"/> or <see cref="GameClient.ResumeFailed"/>).
/// </summary>
public sealed class ReconnectedEventArgs : EventArgs
{
    internal ReconnectedEventArgs(Uri endpoint, int attempts, TimeSpan outage)
    {
        Endpoint = endpoint;
        Attempts = attempts;
        Outage = outage;
    }

    /// <summary>The endpoint the client is now connected to.</summary>
    public Uri Endpoint { get; }

    /// <summary>How many attempts it took (1 when the first one succeeded).</summary>
    public int Attempts { get; }

    /// <summary>From the drop to now.</summary>
    public TimeSpan Outage { get; }
}
