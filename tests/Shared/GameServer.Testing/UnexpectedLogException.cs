namespace GameServer.Testing;

/// <summary>A host logged a Warning or Error that no <see cref="AllowLogAttribute"/> of the running test expects.</summary>
public sealed class UnexpectedLogException(string message) : Exception(message);
