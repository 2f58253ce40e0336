namespace GameServer.Testing;

/// <summary>The repository's root folder, found by walking up from the test's output folder to GameServer.sln.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "GameServer.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"GameServer.sln not found above {AppContext.BaseDirectory}.");
    }
}
