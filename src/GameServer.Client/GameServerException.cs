namespace GameServer.Client;

/// <summary>The server refused a request with a protocol <see cref="Protocol.Error"/>.</summary>
public sealed class GameServerException : Exception
{
    public GameServerException(int code, string message)
        : base($"Server error {code}: {message}")
    {
        Code = code;
        Reason = message;
    }

    /// <summary>The server's words, as sent (for <see cref="Protocol.ErrorCode.JoinRefused"/>, the game's reason, e.g. <c>"Unknown team 'green': pick red or blue."</c>).</summary>
    public string Reason { get; }

    /// <summary>One of <see cref="Protocol.ErrorCode"/>.</summary>
    public int Code { get; }
}
