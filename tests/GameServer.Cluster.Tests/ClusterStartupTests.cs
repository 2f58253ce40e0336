namespace GameServer.Cluster.Tests;

/// <summary>The cluster hosts refuse bad cluster settings at start-up, naming the key.</summary>
[Collection(ClusterCollection.Name)]
[CheckLogs]
public sealed class ClusterStartupTests
{
    [Theory]
    [AllowLog("Microsoft.Extensions.Hosting.Internal.Host", 11, "the host is given an empty Cluster:RedisConnectionString on purpose and fails to start")]
    [AllowLog("(runtime)", "Cluster:RedisConnectionString is empty", "the validation exception that stops it ends the process, naming the key")]
    [InlineData("GameServer.Silo")]
    [InlineData("GameServer.EdgeHost")]
    public async Task Host_WithEmptyRedisConnectionString_ExitsNamingTheKey(string project)
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 0, edges: 0);
        var process = cluster.StartHost(project, project, new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Cluster__RedisConnectionString"] = "",
            ["Auth__SigningKey"] = cluster.SigningKey,
        });

        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, $"{project} kept running with an empty Cluster:RedisConnectionString.\n{process.Tail()}");
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Cluster:RedisConnectionString is empty", process.Output());
    }
}
