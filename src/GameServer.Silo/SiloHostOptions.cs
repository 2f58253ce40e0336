namespace GameServer.Silo;

/// <summary>The silo process's own settings (configuration section <c>Silo</c>); cluster settings are in <c>Cluster</c>.</summary>
internal sealed class SiloHostOptions
{
    public const string SectionName = "Silo";

    /// <summary>Serve the Orleans Dashboard at <c>/dashboard</c> on <c>Management:Urls</c>. Default false.</summary>
    public bool DashboardEnabled { get; set; }

    /// <summary>
    /// How long a stop (SIGTERM, Ctrl-C) may take, seconds: Orleans deactivates every grain, and each room writes its
    /// checkpoint, before the silo leaves the cluster. Default 30.
    /// </summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;
}
