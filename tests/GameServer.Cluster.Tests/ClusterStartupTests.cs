namespace GameServer.Cluster.Tests;

/// <summary>The cluster hosts refuse bad cluster and management settings at start-up, naming the key.</summary>
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
        var process = cluster.StartHost(project, project, Ports(project, new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Cluster__RedisConnectionString"] = "",
            ["Auth__SigningKey"] = cluster.SigningKey,
        }));

        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, $"{project} kept running with an empty Cluster:RedisConnectionString.\n{process.Tail()}");
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Cluster:RedisConnectionString is empty", process.Output());
    }

    [Theory]
    [AllowLog("Microsoft.Extensions.Hosting.Internal.Host", 11, "the host is given a bad Management:Urls on purpose and may fail while starting")]
    [AllowLog("(runtime)", "Management:Urls", "the validation exception that stops it ends the process, naming the key")]
    [InlineData("GameServer.Silo", "Management__Urls", "http://127.0.0.1:0", "Management:Urls = 'http://127.0.0.1:0': 'http://127.0.0.1:0' has port 0")]
    [InlineData("GameServer.Silo", "Urls", "http://127.0.0.1:{port}", "Urls = 'http://127.0.0.1:{port}' is set, but this process has no game port: it listens only on Management:Urls")]
    [InlineData("GameServer.EdgeHost", "Management__Urls", "http://127.0.0.1:{port}", "uses port {port}, which the game listens on too (Urls = 'http://127.0.0.1:{port}')")]
    [InlineData("GameServer.EdgeHost", "Management__Urls", "", "Management:Urls is empty")]
    public async Task Host_WithABadManagementAddress_ExitsNamingTheKey(string project, string key, string value, string message)
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 0, edges: 0);
        var environment = Ports(project, new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Cluster__RedisConnectionString"] = cluster.RedisConnectionString,
            ["Auth__SigningKey"] = cluster.SigningKey,
        });
        // {port} is the edge's game port, or a free one for a silo's Urls.
        var port = environment.TryGetValue("Urls", out var urls) ? new Uri(urls!).Port.ToString() : FreePort.Next().ToString();
        environment[key] = value.Replace("{port}", port, StringComparison.Ordinal);
        var process = cluster.StartHost(project, project, environment);

        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, $"{project} kept running with {key}={environment[key]}.\n{process.Tail()}");
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(message.Replace("{port}", port, StringComparison.Ordinal), process.Output());
    }

    /// <summary>A free management port, and for an edge a free game port (<c>Urls</c>); a silo has no game port.</summary>
    private static Dictionary<string, string?> Ports(string project, Dictionary<string, string?> environment)
    {
        environment["Management__Urls"] = $"http://127.0.0.1:{FreePort.Next()}";
        if (project == "GameServer.EdgeHost")
        {
            environment["Urls"] = $"http://127.0.0.1:{FreePort.Next()}";
        }
        return environment;
    }
}
