using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace GameServer.Cluster.Tests;

/// <summary>
/// docker/docker-compose.yml and docker/nginx.conf cannot run here (no Docker engine), so they are checked against the
/// code: each service runs a project that exists, and every setting it passes binds to a real option property, so
/// renaming a property or a project fails this test rather than a deployment.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly Dictionary<string, Dictionary<object, object>> s_services = LoadServices();

    [Fact]
    public void Compose_HasRedisTwoSilosTwoEdgesAndALoadBalancer()
    {
        Assert.Equal(["edge-1", "edge-2", "lb", "redis", "silo-1", "silo-2"], s_services.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["silo-1", "silo-2"], ServicesRunning("GameServer.Silo"));
        Assert.Equal(["edge-1", "edge-2"], ServicesRunning("GameServer.EdgeHost"));
    }

    [Fact]
    public void EveryBuiltService_PublishesAndStartsAProjectThatExists()
    {
        foreach (var (name, service) in s_services.Where(s => s.Value.ContainsKey("build")))
        {
            var dockerfile = DockerfileOf(service);
            Assert.True(File.Exists(dockerfile), $"{name}: {dockerfile} does not exist.");
            var text = File.ReadAllText(dockerfile);
            var publish = PublishRegex().Match(text);
            Assert.True(publish.Success, $"{name}: {dockerfile} has no `dotnet publish src/<Project>/<Project>.csproj`.");
            var project = publish.Groups["project"].Value;
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, publish.Groups["path"].Value)), $"{name}: {publish.Groups["path"].Value} does not exist.");
            var entrypoint = EntrypointRegex().Match(text);
            Assert.True(entrypoint.Success, $"{name}: {dockerfile} has no ENTRYPOINT [\"dotnet\", \"<Project>.dll\"].");
            Assert.Equal(project, entrypoint.Groups["dll"].Value);
            // A command or entrypoint in the compose file would replace the image's; none may point elsewhere.
            Assert.False(service.ContainsKey("entrypoint"), $"{name}: entrypoint overrides the image's ENTRYPOINT.");
            Assert.False(service.ContainsKey("command"), $"{name}: command overrides the image's arguments.");
        }
    }

    [Fact]
    public void EveryEnvironmentKey_OfTheGameServerServices_BindsToARealSetting()
    {
        var checkedKeys = 0;
        foreach (var (name, service) in s_services.Where(s => s.Value.ContainsKey("build")))
        {
            var environment = EnvironmentOf(service);
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), Interpolated(e.Value))))
                .Build();
            checkedKeys += environment.Count;

            Assert.Empty(KnownSettings.UnknownKeys(configuration).Select(key => $"{name}: {key} is not a setting any GameServer host reads."));
            Assert.Empty(KnownSettings.BindingErrors(configuration).Select(error => $"{name}: {error}"));
        }
        Assert.True(checkedKeys > 10, $"Only {checkedKeys} environment keys found: is the compose file read correctly?");
    }

    [Fact]
    public void SiloServices_AdvertiseThemselves_OnDistinctNames()
    {
        var advertised = ServicesRunning("GameServer.Silo").Select(s => EnvironmentOf(s_services[s])["Cluster__AdvertisedIPAddress"]).ToArray();

        Assert.Equal(ServicesRunning("GameServer.Silo"), advertised);
        Assert.All(ServicesRunning("GameServer.Silo"), s => Assert.Equal("true", EnvironmentOf(s_services[s])["Cluster__ListenOnAnyHostAddress"]));
    }

    [Fact]
    public void Nginx_BalancesRoundRobinOverEveryEdge_AndForwardsWebSocketUpgrades()
    {
        var nginx = File.ReadAllText(Path.Combine(RepoPaths.Docker, "nginx.conf"));
        var withoutComments = string.Join('\n', nginx.Split('\n').Select(line => line.Split('#')[0]));
        var upstream = UpstreamRegex().Match(withoutComments);
        Assert.True(upstream.Success, "nginx.conf has no `upstream edges { ... }` block.");
        var servers = UpstreamServerRegex().Matches(upstream.Groups["body"].Value).Select(m => m.Groups["address"].Value).Order(StringComparer.Ordinal);
        var edges = ServicesRunning("GameServer.EdgeHost").Select(e => $"{e}:{new Uri(Interpolated(EnvironmentOf(s_services[e])["Urls"])!).Port}");

        Assert.Equal(edges, servers);
        Assert.Contains("proxy_pass http://edges;", withoutComments);
        Assert.Contains("proxy_http_version 1.1;", withoutComments);
        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", withoutComments);
        Assert.Matches(@"proxy_set_header Connection \$connection_upgrade;", withoutComments);
        Assert.Matches(@"map \$http_upgrade \$connection_upgrade", withoutComments);
        // No stickiness of any kind: any edge serves any room.
        Assert.DoesNotMatch(@"\b(ip_hash|hash|sticky|least_conn)\b", upstream.Groups["body"].Value);
    }

    [Fact]
    public void Edges_TrustExactlyTheLoadBalancersAddress()
    {
        var lb = s_services["lb"];
        var lbAddress = ((Dictionary<object, object>)((Dictionary<object, object>)((Dictionary<object, object>)lb["networks"])["game"]))["ipv4_address"];

        Assert.Contains(lb["volumes"] as List<object> ?? [], v => v.ToString()!.StartsWith("./nginx.conf:", StringComparison.Ordinal));
        Assert.All(ServicesRunning("GameServer.EdgeHost"), e => Assert.Equal(lbAddress, EnvironmentOf(s_services[e])["Edge__TrustedProxies__0"]));
    }

    private static string[] ServicesRunning(string project) =>
        [.. s_services.Where(s => s.Value.ContainsKey("build") && File.ReadAllText(DockerfileOf(s.Value)).Contains($"\"{project}.dll\"", StringComparison.Ordinal))
            .Select(s => s.Key).Order(StringComparer.Ordinal)];

    private static string DockerfileOf(Dictionary<object, object> service)
    {
        var build = (Dictionary<object, object>)service["build"];
        return Path.GetFullPath(Path.Combine(RepoPaths.Docker, (string)build["context"], (string)build["dockerfile"]));
    }

    private static Dictionary<string, string> EnvironmentOf(Dictionary<object, object> service) => service.GetValueOrDefault("environment") switch
    {
        Dictionary<object, object> map => map.ToDictionary(e => (string)e.Key, e => e.Value?.ToString() ?? "", StringComparer.Ordinal),
        List<object> list => list.Select(e => e.ToString()!.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal),
        _ => [],
    };

    /// <summary>The value compose would pass: <c>${VAR:-default}</c> becomes its default, a required <c>${VAR:?…}</c> a placeholder.</summary>
    private static string? Interpolated(string? value) => value is null
        ? null
        : InterpolationRegex().Replace(value, m => m.Groups["default"].Success ? m.Groups["default"].Value : "required-from-environment");

    private static Dictionary<string, Dictionary<object, object>> LoadServices()
    {
        using var reader = new StreamReader(Path.Combine(RepoPaths.Docker, "docker-compose.yml"));
        // MergingParser resolves the `<<: *silo` merge keys the file uses to share service settings.
        var document = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
        return ((Dictionary<object, object>)document["services"]).ToDictionary(
            s => (string)s.Key, s => (Dictionary<object, object>)s.Value, StringComparer.Ordinal);
    }

    [GeneratedRegex(@"dotnet publish (?<path>src/(?<project>[\w.]+)/\k<project>\.csproj)")]
    private static partial Regex PublishRegex();

    [GeneratedRegex(@"ENTRYPOINT \[""dotnet"", ""(?<dll>[\w.]+)\.dll""\]")]
    private static partial Regex EntrypointRegex();

    [GeneratedRegex(@"upstream edges \{(?<body>[^}]*)\}")]
    private static partial Regex UpstreamRegex();

    [GeneratedRegex(@"server (?<address>[\w.-]+:\d+)")]
    private static partial Regex UpstreamServerRegex();

    [GeneratedRegex(@"\$\{\w+(:-(?<default>[^}]*)|:\?[^}]*)?\}")]
    private static partial Regex InterpolationRegex();
}
