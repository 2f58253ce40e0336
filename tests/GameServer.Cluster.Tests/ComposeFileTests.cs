using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace GameServer.Cluster.Tests;

/// <summary>
/// docker/docker-compose.yml, docker/nginx.conf and docker/prometheus.yml cannot run here (no Docker engine), so they
/// are checked against the code: each service runs a project that exists, every setting it passes binds to a real
/// option property, and the healthchecks and Prometheus use each process's management port while nginx uses the game
/// port, so renaming a property or a project, or moving a port, fails this test rather than a deployment.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly Dictionary<string, Dictionary<object, object>> s_services = LoadServices();

    [Fact]
    public void Compose_HasRedisTwoSilosTwoEdgesAndALoadBalancer()
    {
        Assert.Equal(["edge-1", "edge-2", "lb", "prometheus", "redis", "silo-1", "silo-2"], s_services.Keys.Order(StringComparer.Ordinal));
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
        // Players' traffic never reaches the management port (there /metrics and the probes answer).
        Assert.All(ServicesRunning("GameServer.EdgeHost"), e => Assert.NotEqual(ManagementPort(e), new Uri(Interpolated(EnvironmentOf(s_services[e])["Urls"])!).Port));
        Assert.Contains("proxy_pass http://edges;", withoutComments);
        Assert.Contains("proxy_http_version 1.1;", withoutComments);
        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", withoutComments);
        Assert.Matches(@"proxy_set_header Connection \$connection_upgrade;", withoutComments);
        Assert.Matches(@"map \$http_upgrade \$connection_upgrade", withoutComments);
        // No stickiness of any kind: any edge serves any room.
        Assert.DoesNotMatch(@"\b(ip_hash|hash|sticky|least_conn)\b", upstream.Groups["body"].Value);
    }

    [Fact]
    public void Nginx_KeepsTheFallbackTransportsRequests_OnOneEdge()
    {
        var nginx = File.ReadAllText(Path.Combine(RepoPaths.Docker, "nginx.conf"));
        var withoutComments = string.Join('\n', nginx.Split('\n').Select(line => line.Split('#')[0]));
        var upstream = HubUpstreamRegex().Match(withoutComments);
        Assert.True(upstream.Success, "nginx.conf has no `upstream hub_edges { ... }` block.");
        var edges = UpstreamRegex().Match(withoutComments).Groups["body"].Value;

        // The same edges as the round-robin upstream, hashed on the gs_hub cookie (a new random key when there is none).
        Assert.Equal(
            UpstreamServerRegex().Matches(edges).Select(m => m.Groups["address"].Value),
            UpstreamServerRegex().Matches(upstream.Groups["body"].Value).Select(m => m.Groups["address"].Value));
        Assert.Matches(@"hash \$hub_affinity consistent;", upstream.Groups["body"].Value);
        Assert.Matches(@"map \$cookie_gs_hub \$hub_affinity \{\s*''\s+\$request_id;\s*default\s+\$cookie_gs_hub;", withoutComments);
        var hub = HubLocationRegex().Match(withoutComments);
        Assert.True(hub.Success, "nginx.conf has no `location ~ ^/hub(/|$) { ... }` block.");
        Assert.Contains("proxy_pass http://hub_edges;", hub.Groups["body"].Value);
        // Server-Sent Events arrive as they are sent; long polls (90 s) outlive no read timeout.
        Assert.Contains("proxy_buffering off;", hub.Groups["body"].Value);
        Assert.Contains("add_header Set-Cookie $hub_set_cookie;", hub.Groups["body"].Value);
        Assert.Contains("proxy_read_timeout 1h;", withoutComments);
    }

    [Fact]
    public void Edges_TrustExactlyTheLoadBalancersAddress()
    {
        var lb = s_services["lb"];
        var lbAddress = ((Dictionary<object, object>)((Dictionary<object, object>)((Dictionary<object, object>)lb["networks"])["game"]))["ipv4_address"];

        Assert.Contains(lb["volumes"] as List<object> ?? [], v => v.ToString()!.StartsWith("./nginx.conf:", StringComparison.Ordinal));
        Assert.All(ServicesRunning("GameServer.EdgeHost"), e => Assert.Equal(lbAddress, EnvironmentOf(s_services[e])["Edge__TrustedProxies__0"]));
    }

    [Fact]
    public void EveryGameServerService_ChecksReadyz_OnItsManagementPort()
    {
        var services = ServicesRunning("GameServer.Silo").Concat(ServicesRunning("GameServer.EdgeHost")).ToArray();
        Assert.Equal(4, services.Length);
        foreach (var name in services)
        {
            var healthcheck = Assert.IsAssignableFrom<Dictionary<object, object>>(s_services[name].GetValueOrDefault("healthcheck"));
            var test = string.Join(' ', Assert.IsAssignableFrom<List<object>>(healthcheck["test"]));
            var target = HealthcheckRegex().Match(test);

            Assert.True(target.Success, $"{name}: the healthcheck does not GET /readyz from 127.0.0.1 (`{test}`).");
            Assert.Equal(ManagementPort(name), int.Parse(target.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Prometheus_ScrapesEveryGameServerService_OnItsManagementPort()
    {
        var prometheus = s_services["prometheus"];
        Assert.Contains(prometheus["volumes"] as List<object> ?? [], v => v.ToString()!.StartsWith("./prometheus.yml:", StringComparison.Ordinal));
        using var reader = new StreamReader(Path.Combine(RepoPaths.Docker, "prometheus.yml"));
        var config = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(reader);
        var jobs = ((List<object>)config["scrape_configs"]).Cast<Dictionary<object, object>>().ToList();
        var targets = jobs
            .SelectMany(job => ((List<object>)job["static_configs"]).Cast<Dictionary<object, object>>())
            .SelectMany(staticConfig => ((List<object>)staticConfig["targets"]).Select(t => t.ToString()!))
            .Order(StringComparer.Ordinal);
        var expected = ServicesRunning("GameServer.Silo").Concat(ServicesRunning("GameServer.EdgeHost"))
            .Select(name => $"{name}:{ManagementPort(name)}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, targets);
        // The default path, /metrics, is where the exporter answers.
        Assert.All(jobs, job => Assert.Equal("/metrics", job.GetValueOrDefault("metrics_path") as string ?? "/metrics"));
    }

    /// <summary>The port of a service's <c>Management__Urls</c> (one URL).</summary>
    private static int ManagementPort(string service)
    {
        var environment = EnvironmentOf(s_services[service]);
        Assert.True(environment.TryGetValue("Management__Urls", out var urls), $"{service} sets no Management__Urls.");
        return new Uri(Interpolated(urls)!).Port;
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

    [GeneratedRegex(@"upstream hub_edges \{(?<body>[^}]*)\}")]
    private static partial Regex HubUpstreamRegex();

    [GeneratedRegex(@"location ~ \^/hub\(/\|\$\) \{(?<body>[^}]*)\}")]
    private static partial Regex HubLocationRegex();

    [GeneratedRegex(@"server (?<address>[\w.-]+:\d+)")]
    private static partial Regex UpstreamServerRegex();

    [GeneratedRegex(@"/dev/tcp/127\.0\.0\.1/(?<port>\d+) .*GET /readyz HTTP/1\.1", RegexOptions.Singleline)]
    private static partial Regex HealthcheckRegex();

    [GeneratedRegex(@"\$\{\w+(:-(?<default>[^}]*)|:\?[^}]*)?\}")]
    private static partial Regex InterpolationRegex();
}
