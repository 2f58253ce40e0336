namespace GameServer.Host;

/// <summary>The embedded silo's ports (configuration section <c>Silo</c>).</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Silo";

    /// <summary>Silo-to-silo port on localhost. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port on localhost. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Serve the Orleans Dashboard at <c>/dashboard</c>. Default false: it has no authentication and polls grain
    /// statistics every second; appsettings.Development.json turns it on for the README's local run.
    /// </summary>
    public bool DashboardEnabled { get; set; }
}
