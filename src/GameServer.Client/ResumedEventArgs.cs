using GameServer.Protocol;

namespace GameServer.Client;

/// <summary>Raised when the server gave the seat back after a reconnect: same room, same entity, input sequence continues.</summary>
public sealed class ResumedEventArgs : EventArgs
{
    internal ResumedEventArgs(Welcome welcome, TimeSpan outage)
    {
        Welcome = welcome;
        Outage = outage;
    }

    /// <summary>The resumed welcome (<see cref="Welcome.Resumed"/> true), with the new resume token.</summary>
    public Welcome Welcome { get; }

    /// <summary>From the drop to this welcome.</summary>
    public TimeSpan Outage { get; }
}
