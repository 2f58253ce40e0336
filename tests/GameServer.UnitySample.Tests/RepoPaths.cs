using System;
using System.IO;

namespace GameServer.UnitySample.Tests
{
    /// <summary>Paths in the repository, found from the test's output folder.</summary>
    internal static class RepoPaths
    {
        public static string Root { get; } = FindRoot();

        public static string HostProject => Path.Combine(Root, "src", "GameServer.Host");

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "GameServer.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException("GameServer.sln not found above " + AppContext.BaseDirectory + ".");
        }
    }
}
