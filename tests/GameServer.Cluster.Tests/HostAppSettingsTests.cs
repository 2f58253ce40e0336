using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace GameServer.Cluster.Tests;

/// <summary>
/// The cluster hosts' appsettings.json: every key binds to a real setting, and the game and edge settings match the
/// embedded host's, so a game behaves the same whichever way it is deployed.
/// </summary>
public sealed class HostAppSettingsTests
{
    [Theory]
    [InlineData("GameServer.Silo")]
    [InlineData("GameServer.EdgeHost")]
    public void EveryKey_BindsToARealSetting(string project)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(AppSettings(project)).Build();

        Assert.Empty(KnownSettings.UnknownKeys(configuration));
        Assert.Empty(KnownSettings.BindingErrors(configuration));
    }

    [Theory]
    [InlineData("GameServer.Silo", "Rooms")]
    [InlineData("GameServer.EdgeHost", "Edge")]
    [InlineData("GameServer.EdgeHost", "Auth")]
    public void Section_IsTheEmbeddedHostsSection(string project, string section)
    {
        var embedded = JsonNode.Parse(File.ReadAllText(AppSettings("GameServer.Host")))![section];
        var cluster = JsonNode.Parse(File.ReadAllText(AppSettings(project)))![section];

        Assert.True(JsonNode.DeepEquals(embedded, cluster), $"src/{project}/appsettings.json section {section} differs from src/GameServer.Host/appsettings.json's: copy it over.");
    }

    private static string AppSettings(string project) => Path.Combine(RepoPaths.Root, "src", project, "appsettings.json");
}
