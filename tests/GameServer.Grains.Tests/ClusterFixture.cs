using GameServer.Grains;
using GameServer.Simulation.Games.Arena;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace GameServer.Grains.Tests;

/// <summary>One real in-process Orleans cluster for the grain tests, running arena and a slow-ticking test game.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(RoomStorage.Settings).AddMemoryGrainStorage(RoomStorage.Checkpoints);
            silo.Services.AddGame<ArenaGame>();
            silo.Services.AddGame<SlowTickGame>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
