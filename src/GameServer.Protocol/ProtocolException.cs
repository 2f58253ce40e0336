namespace GameServer.Protocol;

/// <summary>A frame could not be decoded; <see cref="ErrorCode"/> says how it was wrong.</summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(int errorCode, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorCode = errorCode;
    }

    /// <summary>One of <see cref="Protocol.ErrorCode"/>.</summary>
    public int ErrorCode { get; }
}
