using GameServer.Grains;
using GameServer.Simulation.Games.Arena;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace GameServer.Grains.Tests;

/// <summary>One real in-process Orleans cluster for the grain tests, running arena and a slow-ticking test game.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly HostLog _logs = new("test cluster");

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The cluster's client; reading it puts the silo's and client's log under the running test's log guard.</summary>
    public IClusterClient Client
    {
        get
        {
            TestLogScope.Required.Watch(_logs);
            return Cluster.Client;
        }
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(RoomStorage.Settings).AddMemoryGrainStorage(RoomStorage.Checkpoints);
            silo.Services.AddGame<ArenaGame>();
            silo.Services.AddGame<SlowTickGame>();
            silo.Services.AddGame<ScriptedGame>();
            silo.Services.AddSingleton<ILoggerProvider>(_logs);
        });
        builder.ConfigureClient(client => client.Services.AddSingleton<ILoggerProvider>(_logs));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _logs.AssertNoUncheckedEntries();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
