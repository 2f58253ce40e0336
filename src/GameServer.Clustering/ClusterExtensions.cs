using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Persistence;
using StackExchange.Redis;

namespace GameServer.Clustering;

/// <summary>
/// Joins a silo or an Orleans client (the edge) to a Redis-backed GameServer cluster configured by the <c>Cluster</c>
/// section (<see cref="GameClusterOptions"/>), validated when the host starts.
/// </summary>
public static class ClusterExtensions
{
    /// <summary>The grain storage for room-type settings: Redis in a cluster, kept until changed.</summary>
    public const string RoomStorageName = "rooms";

    /// <summary>
    /// The grain storage for room checkpoints: Redis in a cluster, each entry expiring
    /// <see cref="GameClusterOptions.CheckpointExpiryMinutes"/> after its last write and deleted when its room closes.
    /// </summary>
    public const string CheckpointStorageName = "checkpoints";

    /// <summary>
    /// Redis membership, this silo's advertised address and ports, Redis grain storage <see cref="RoomStorageName"/> and
    /// <see cref="CheckpointStorageName"/>, and
    /// failure detection tuned so a silo killed without warning is declared dead within seconds (its rooms then
    /// re-activate on the survivors).
    /// </summary>
    public static ISiloBuilder UseGameServerCluster(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = silo.Services;
        AddGameClusterOptions(services, configuration);

        silo.UseRedisClustering(_ => { });
        services.AddOptions<RedisClusteringOptions>().Configure<IOptions<GameClusterOptions>>((redis, cluster) =>
            redis.ConfigurationOptions = RedisConfiguration(cluster.Value));
        silo.AddRedisGrainStorage(RoomStorageName, storage => storage.Configure<IOptions<GameClusterOptions>>((redis, cluster) =>
            redis.ConfigurationOptions = RedisConfiguration(cluster.Value)));
        silo.AddRedisGrainStorage(CheckpointStorageName, storage => storage.Configure<IOptions<GameClusterOptions>>((redis, cluster) =>
        {
            redis.ConfigurationOptions = RedisConfiguration(cluster.Value);
            // A running room rewrites its checkpoint every second, which renews the expiry; only the checkpoint of a room
            // whose silo died and that nobody resumed stops being written, and Redis drops it after this long.
            redis.EntryExpiry = TimeSpan.FromMinutes(cluster.Value.CheckpointExpiryMinutes);
            // A closed room's checkpoint is deleted, not left behind as an empty entry.
            redis.DeleteStateOnClear = true;
        }));
        services.AddOptions<ClusterOptions>().Configure<IOptions<GameClusterOptions>>((orleans, cluster) => ConfigureIds(orleans, cluster.Value));
        services.AddOptions<EndpointOptions>().Configure<IOptions<GameClusterOptions>>((endpoints, cluster) =>
        {
            // What ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress) does, but from options.
            var options = cluster.Value;
            endpoints.AdvertisedIPAddress = GameClusterOptionsValidator.ResolveAdvertisedAddress(options.AdvertisedIPAddress, out _) ?? IPAddress.Loopback;
            endpoints.SiloPort = options.SiloPort;
            endpoints.GatewayPort = options.GatewayPort;
            if (options.ListenOnAnyHostAddress)
            {
                endpoints.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, options.SiloPort);
                endpoints.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, options.GatewayPort);
            }
        });
        services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<GameClusterOptions>>((membership, cluster) =>
        {
            var options = cluster.Value;
            // Orleans adapts the probe timeout between MinProbeTimeout (default ProbeTimeout / 2) and MaxProbeTimeout.
            membership.ProbeTimeout = TimeSpan.FromMilliseconds(options.ProbeTimeoutMs);
            membership.MaxProbeTimeout = TimeSpan.FromMilliseconds(options.MaxProbeTimeoutMs);
            membership.NumMissedProbesLimit = options.NumMissedProbesLimit;
            membership.NumVotesForDeathDeclaration = options.NumVotesForDeathDeclaration;
            membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(options.IAmAliveTablePublishSeconds);
            membership.TableRefreshTimeout = TimeSpan.FromSeconds(options.TableRefreshSeconds);
        });
        services.AddOptions<SiloMessagingOptions>().Configure<IOptions<GameClusterOptions>>((messaging, cluster) =>
            messaging.ResponseTimeout = TimeSpan.FromSeconds(cluster.Value.ResponseTimeoutSeconds));
        return silo;
    }

    /// <summary>
    /// Redis membership (to find the silos' gateways), the cluster ids, a short gateway-list refresh and response
    /// timeout so calls to a dead silo fail fast, and retrying the first connection until a silo answers.
    /// </summary>
    public static IClientBuilder UseGameServerCluster(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = client.Services;
        AddGameClusterOptions(services, configuration);

        client.UseRedisClustering(_ => { });
        services.AddOptions<RedisClusteringOptions>().Configure<IOptions<GameClusterOptions>>((redis, cluster) =>
            redis.ConfigurationOptions = RedisConfiguration(cluster.Value));
        services.AddOptions<ClusterOptions>().Configure<IOptions<GameClusterOptions>>((orleans, cluster) => ConfigureIds(orleans, cluster.Value));
        services.AddOptions<GatewayOptions>().Configure<IOptions<GameClusterOptions>>((gateways, cluster) =>
            gateways.GatewayListRefreshPeriod = TimeSpan.FromSeconds(cluster.Value.GatewayListRefreshSeconds));
        services.AddOptions<ClientMessagingOptions>().Configure<IOptions<GameClusterOptions>>((messaging, cluster) =>
            messaging.ResponseTimeout = TimeSpan.FromSeconds(cluster.Value.ResponseTimeoutSeconds));
        services.TryAddSingleton<IClientConnectionRetryFilter, GatewayConnectionRetryFilter>();
        return client;
    }

    private static void AddGameClusterOptions(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GameClusterOptions>().Bind(configuration.GetSection(GameClusterOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GameClusterOptions>, GameClusterOptionsValidator>());
    }

    private static void ConfigureIds(ClusterOptions orleans, GameClusterOptions options)
    {
        orleans.ClusterId = options.ClusterId;
        orleans.ServiceId = options.ServiceId;
    }

    private static ConfigurationOptions RedisConfiguration(GameClusterOptions options)
    {
        ConfigurationOptions redis;
        try
        {
            redis = ConfigurationOptions.Parse(options.RedisConnectionString);
        }
        catch (ArgumentException)
        {
            // The validator reports it by key when the host starts; nothing connects before that.
            redis = new ConfigurationOptions();
        }
        // Keep retrying in the background rather than failing the first call when Redis starts after us or restarts.
        redis.AbortOnConnectFail = false;
        return redis;
    }
}
