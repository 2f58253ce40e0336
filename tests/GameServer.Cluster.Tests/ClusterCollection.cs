namespace GameServer.Cluster.Tests;

/// <summary>
/// Tests that start real processes run one at a time: four .NET processes and redis already fill two cores, and the
/// failover timing must not compete with another cluster.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster-processes";
}
