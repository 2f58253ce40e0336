namespace GameServer.Client;

/// <summary>The server refused a request with a protocol <see cref="Protocol.Error"/>.</summary>
public sealed class GameServerException : Exception
{
    public GameServerException(int code, string message)
        : base($"Server error {code}: {message}")
    {
        Code = code;
    }

    /// <summary>One of <see cref="Protocol.ErrorCode"/>.</summary>
    public int Code { get; }
}
