using GameServer.Testing;

namespace GameServer.Protocol.Tests;

/// <summary>Paths in the repository this project's tests read.</summary>
internal static class RepoPaths
{
    public static string ProtocolDoc => Path.Combine(RepoRoot.Path, "docs", "protocol.md");
}
