namespace GameServer.LoadTest.Server;

/// <summary>The run cannot start (bad environment, server not reachable, spawn failed): exit code 2, message shown as is.</summary>
internal sealed class SetupException(string message, Exception? inner = null) : Exception(message, inner);
