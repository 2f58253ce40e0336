namespace GameServer.Host;

/// <summary>The embedded silo's ports (configuration section <c>Silo</c>).</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Silo";

    /// <summary>
    /// Silo-to-silo port on localhost. Default 0: a free port picked at start-up (nothing outside the process connects
    /// to it). A fixed port that is taken fails start-up naming this setting.
    /// </summary>
    public int SiloPort { get; set; }

    /// <summary>Client gateway port on localhost. Default 0, as <see cref="SiloPort"/>.</summary>
    public int GatewayPort { get; set; }

    /// <summary>
    /// Serve the Orleans Dashboard at <c>/dashboard</c>. Default false: it has no authentication and polls grain
    /// statistics every second; appsettings.Development.json turns it on for the README's local run.
    /// </summary>
    public bool DashboardEnabled { get; set; }
}
