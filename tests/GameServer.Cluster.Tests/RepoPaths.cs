using GameServer.Testing;

namespace GameServer.Cluster.Tests;

/// <summary>Paths in the repository, found by walking up from the test's output folder to GameServer.sln.</summary>
internal static class RepoPaths
{
    public static string Root => RepoRoot.Path;

    public static string Docker => Path.Combine(Root, "docker");

    /// <summary>The built entry assembly of a host project, e.g. <c>src/GameServer.Silo/bin/Release/net10.0/GameServer.Silo.dll</c>.</summary>
    public static string HostDll(string project)
    {
        // Tests run against what the solution build produced; prefer Release (CI), fall back to Debug (an IDE).
        foreach (var configuration in new[] { "Release", "Debug" })
        {
            var path = Path.Combine(Root, "src", project, "bin", configuration, "net10.0", project + ".dll");
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new InvalidOperationException($"{project}.dll is not built: run `dotnet build GameServer.sln -c Release` first.");
    }
}
