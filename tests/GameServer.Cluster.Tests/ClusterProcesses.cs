using System.Net;
using System.Net.Sockets;
using System.Text;
using GameServer.Auth;
using GameServer.Client;
using GameServer.Clustering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GameServer.Cluster.Tests;

/// <summary>
/// A real cluster on this machine: its own redis-server on a free port, silo and edge processes run from the solution's
/// build output (<c>dotnet src/GameServer.Silo/bin/Release/net10.0/GameServer.Silo.dll</c>), each waited on until its
/// <c>/readyz</c> answers 200. Every process is signalled only by the PID this fixture got when starting it, and all are
/// stopped on dispose. Their stdout and stderr go to files under a temporary folder (kept when a test failed).
/// </summary>
internal sealed class ClusterProcesses : IAsyncDisposable
{
    /// <summary>How long a process may take to become ready: generous, as CI machines have two cores for four processes.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly List<ClusterNode> _silos = [];
    private readonly List<ClusterNode> _edges = [];
    private readonly List<ManagedProcess> _started = [];
    private readonly List<IHost> _clients = [];
    private readonly ITestOutputHelper? _output;
    private ManagedProcess? _redis;
    private int _nextSilo = 1;
    private int _nextEdge = 1;
    private bool _failed;
    private IReadOnlyDictionary<string, string?>? _siloSettings;

    private ClusterProcesses(ITestOutputHelper? output)
    {
        _output = output;
        TestLogScope.Required.Watch(Logs);
        Directory.CreateDirectory(WorkDirectory);
        Directory.CreateDirectory(RedisDirectory);
    }

    /// <summary>Where logs and redis's data go.</summary>
    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "gameserver-cluster-" + Guid.NewGuid().ToString("N")[..8]);

    private string RedisDirectory => Path.Combine(WorkDirectory, "redis");

    public int RedisPort { get; } = FreePort.Next();

    public string RedisConnectionString => $"127.0.0.1:{RedisPort}";

    /// <summary>A fresh id per fixture, so nothing else on the machine joins this cluster.</summary>
    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The key edges check tokens with.</summary>
    public string SigningKey { get; } = GameTokenIssuer.NewSigningKey();

    public GameTokenIssuer Tokens => new(SigningKey);

    public IReadOnlyList<ClusterNode> Silos => _silos;

    /// <summary>What the silos, edges and this test's Orleans clients logged at Warning or above; checked when the test ends.</summary>
    public HostLog Logs { get; } = new("orleans client");

    public IReadOnlyList<ClusterNode> Edges => _edges;

    /// <summary>Starts redis, then <paramref name="silos"/> silos, then <paramref name="edges"/> edges, each ready.</summary>
    /// <param name="siloSettings">Extra environment for every silo this fixture starts, e.g. <c>Cluster__ProbeTimeoutMs</c>.</param>
    public static async Task<ClusterProcesses> StartAsync(
        int silos, int edges, ITestOutputHelper? output = null, IReadOnlyDictionary<string, string?>? siloSettings = null)
    {
        var cluster = new ClusterProcesses(output) { _siloSettings = siloSettings };
        try
        {
            await cluster.StartRedisAsync();
            // Silos start together (each waits for Redis, not for the others); edges need a silo to be ready.
            await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => cluster.StartSiloAsync()));
            await Task.WhenAll(Enumerable.Range(0, edges).Select(_ => cluster.StartEdgeAsync()));
            return cluster;
        }
        catch
        {
            cluster._failed = true;
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new silo on fresh ports, ready (membership lists it as active).</summary>
    public async Task<ClusterNode> StartSiloAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var name = $"silo-{Interlocked.Increment(ref _nextSilo) - 1}";
        int managementPort = FreePort.Next(), siloPort = FreePort.Next(), gatewayPort = FreePort.Next();
        var environment = CommonEnvironment(managementPort);
        environment["Cluster__AdvertisedIPAddress"] = "127.0.0.1";
        environment["Cluster__SiloPort"] = siloPort.ToString();
        environment["Cluster__GatewayPort"] = gatewayPort.ToString();
        Overlay(environment, _siloSettings);
        Overlay(environment, settings);
        var management = new Uri($"http://127.0.0.1:{managementPort}");
        var node = new ClusterNode(name, StartHost(name, "GameServer.Silo", environment), management, management, siloPort, gatewayPort);
        lock (_silos)
        {
            _silos.Add(node);
        }
        await WaitUntilReadyAsync(node);
        return node;
    }

    /// <summary>A new edge on a fresh port, ready (a grain call reaches an active silo).</summary>
    public async Task<ClusterNode> StartEdgeAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var name = $"edge-{Interlocked.Increment(ref _nextEdge) - 1}";
        int httpPort = FreePort.Next(), managementPort = FreePort.Next();
        var environment = CommonEnvironment(managementPort);
        environment["Urls"] = $"http://127.0.0.1:{httpPort}";
        environment["Auth__SigningKey"] = SigningKey;
        // Every simulated player comes from 127.0.0.1: the per-address limit (100) would refuse the load tool's bots.
        environment["Edge__MaxConnectionsPerIp"] = "100000";
        Overlay(environment, settings);
        var node = new ClusterNode(name, StartHost(name, "GameServer.EdgeHost", environment), new Uri($"http://127.0.0.1:{httpPort}"), new Uri($"http://127.0.0.1:{managementPort}"));
        lock (_edges)
        {
            _edges.Add(node);
        }
        await WaitUntilReadyAsync(node);
        return node;
    }

    /// <summary>Starts a host project's build output with the given environment, not waiting for anything.</summary>
    public ManagedProcess StartHost(string name, string project, IReadOnlyDictionary<string, string?> environment)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        // Each host gets an empty home, as on a fresh machine or in a container: what a host writes there on first start
        // (e.g. a data-protection key ring, with its warning) shows in every test instead of once per machine.
        var home = Directory.CreateDirectory(Path.Combine(WorkDirectory, "home-" + name)).FullName;
        var withHome = new Dictionary<string, string?>(environment) { ["HOME"] = home };
        var process = ManagedProcess.Start(name, dotnet, [RepoPaths.HostDll(project)], withHome, WorkDirectory, Logs);
        lock (_started)
        {
            _started.Add(process);
        }
        return process;
    }

    /// <summary>A player client carrying a fresh token the edges accept.</summary>
    public GameClient NewClient(string? playerId = null) => new(new GameClientOptions
    {
        AccessToken = Tokens.Issue(playerId ?? "player-" + Guid.NewGuid().ToString("N")[..10], TimeSpan.FromMinutes(30)),
    });

    /// <summary>An Orleans client of this cluster inside the test process (as an edge is), started.</summary>
    public async Task<IClusterClient> ConnectOrleansClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:RedisConnectionString"] = RedisConnectionString,
            ["Cluster:ClusterId"] = ClusterId,
            ["Cluster:ServiceId"] = ClusterId,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.UseOrleansClient(client => client.UseGameServerCluster(builder.Configuration));
        var host = builder.Build();
        await host.StartAsync();
        _clients.Add(host);
        return host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>kill -9: the process dies without leaving the cluster; the survivors must notice on their own.</summary>
    public static void Kill(ClusterNode node) => node.Process.Kill();

    /// <summary>SIGTERM, as docker stop sends: the process shuts down gracefully; SIGKILL after <paramref name="timeout"/>.</summary>
    public static Task<bool> StopAsync(ClusterNode node, TimeSpan? timeout = null) =>
        node.Process.StopAsync(timeout ?? TimeSpan.FromSeconds(45));

    /// <summary>Stops redis with SIGTERM (its append-only file keeps the data) and starts it again on the same port.</summary>
    public async Task RestartRedisAsync(TimeSpan? downtime = null)
    {
        if (_redis is not null)
        {
            await _redis.StopAsync(TimeSpan.FromSeconds(10));
        }
        if (downtime is { } pause)
        {
            await Task.Delay(pause);
        }
        await StartRedisAsync();
    }

    /// <summary>Runs <paramref name="test"/>; on failure, rethrows with the tail of every process's output.</summary>
    public async Task ExplainFailuresAsync(Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception ex)
        {
            _failed = true;
            throw new InvalidOperationException($"{ex.GetType().Name}: {ex.Message}\nLogs in {WorkDirectory}\n{LogTails()}", ex);
        }
    }

    /// <summary>The last lines of every process's stdout and stderr.</summary>
    public string LogTails()
    {
        var text = new StringBuilder();
        lock (_started)
        {
            foreach (var process in _started)
            {
                text.Append(process.Tail());
            }
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            client.Dispose();
        }
        ManagedProcess[] started;
        lock (_started)
        {
            started = [.. _started];
        }
        Logs.StopCollecting();
        // Edges and silos first (SIGKILL: nothing to keep), redis last.
        foreach (var process in started.Where(p => p != _redis))
        {
            process.Dispose();
        }
        _redis?.Dispose();
        if (_failed)
        {
            _output?.WriteLine($"Cluster logs kept in {WorkDirectory}");
        }
        else
        {
            try
            {
                Directory.Delete(WorkDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>What silos and edges share; an edge adds its game port (<c>Urls</c>), which a silo does not have.</summary>
    private Dictionary<string, string?> CommonEnvironment(int managementPort) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Management__Urls"] = $"http://127.0.0.1:{managementPort}",
        ["Cluster__RedisConnectionString"] = RedisConnectionString,
        ["Cluster__ClusterId"] = ClusterId,
        ["Cluster__ServiceId"] = ClusterId,
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        // Membership changes (suspect, dead, joined) with timestamps: what a failover timing needs explained.
        ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
    };

    private static void Overlay(Dictionary<string, string?> environment, IReadOnlyDictionary<string, string?>? settings)
    {
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }
    }

    private async Task StartRedisAsync()
    {
        var redisServer = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        // The append-only file (fsync on every write) keeps data across RestartRedisAsync; nothing is written elsewhere.
        string[] arguments =
        [
            "--port", RedisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always",
            "--dir", RedisDirectory, "--protected-mode", "yes",
        ];
        try
        {
            _redis = ManagedProcess.Start("redis", redisServer, arguments, new Dictionary<string, string?>(), WorkDirectory);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: `apt-get install redis-server` (test.sh does).", ex);
        }
        lock (_started)
        {
            _started.Add(_redis);
        }
        await Wait.UntilAsync(async () => _redis.HasExited ? throw new InvalidOperationException("redis-server exited.\n" + _redis.Tail()) : await RedisAnswersAsync(), "redis-server answers PING");
    }

    private async Task<bool> RedisAnswersAsync()
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, RedisPort);
            var stream = tcp.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private async Task WaitUntilReadyAsync(ClusterNode node)
    {
        var readyz = new Uri(node.ManagementUri, "/readyz");
        try
        {
            await Wait.UntilAsync(async () =>
            {
                if (node.Process.HasExited)
                {
                    throw new InvalidOperationException($"{node.Name} exited with {node.Process.ExitCode} before it was ready.");
                }
                try
                {
                    using var response = await s_http.GetAsync(readyz);
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, $"{node.Name} {readyz} answers 200", ReadyTimeout);
        }
        catch (Exception ex)
        {
            _failed = true;
            throw new InvalidOperationException($"{ex.Message}\nLogs in {WorkDirectory}\n{LogTails()}", ex);
        }
    }
}
