namespace GameServer.LoadTest.Server;

/// <summary>Finds the GameServer repository (the folder with GameServer.sln) to build and run the embedded host from.</summary>
internal static class RepoLocator
{
    public const string SolutionFile = "GameServer.sln";

    public static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }
        throw new SetupException(
            $"--spawn-server needs the GameServer repository: no {SolutionFile} above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}. " +
            "Run the tool from inside the repository, or start the server yourself and pass --url.");
    }
}
