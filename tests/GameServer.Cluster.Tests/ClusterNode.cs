namespace GameServer.Cluster.Tests;

/// <summary>One silo or edge process of a <see cref="ClusterProcesses"/>.</summary>
internal sealed class ClusterNode
{
    public ClusterNode(string name, ManagedProcess process, Uri httpUri, Uri managementUri, int siloPort = 0, int gatewayPort = 0)
    {
        Name = name;
        Process = process;
        HttpUri = httpUri;
        ManagementUri = managementUri;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>e.g. <c>silo-1</c>, <c>edge-2</c>.</summary>
    public string Name { get; }

    public ManagedProcess Process { get; }

    /// <summary>An edge's game address (/ws, admin API); a silo has no game port, and this is its <see cref="ManagementUri"/>.</summary>
    public Uri HttpUri { get; }

    /// <summary>The management address (<c>Management:Urls</c>): /healthz, /readyz, /metrics, the only place they answer in Production.</summary>
    public Uri ManagementUri { get; }

    /// <summary>The game WebSocket of an edge, without a token.</summary>
    public Uri WebSocketUri => new(HttpUri.GetLeftPart(UriPartial.Authority).Replace("http", "ws", StringComparison.Ordinal) + "/ws");

    /// <summary>Silo-to-silo port (silos only; 0 on edges): the port of its Orleans <c>SiloAddress</c>.</summary>
    public int SiloPort { get; }

    public int GatewayPort { get; }
}
