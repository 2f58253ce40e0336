namespace GameServer.Edge;

/// <summary>An <c>Error</c> message to send the client: a <see cref="Protocol.ErrorCode"/> and what to do about it.</summary>
internal readonly record struct RequestError(int Code, string Message);
