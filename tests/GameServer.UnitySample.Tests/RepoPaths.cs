using System;
using System.IO;

namespace GameServer.UnitySample.Tests
{
    /// <summary>Paths in the repository, found from the test's output folder.</summary>
    internal static class RepoPaths
    {
        public static string Root => GameServer.Testing.RepoRoot.Path;

        public static string HostProject => Path.Combine(Root, "src", "GameServer.Host");
    }
}
