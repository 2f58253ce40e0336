namespace GameServer.EdgeHost;

/// <summary>The edge process's own settings (configuration section <c>EdgeHost</c>); the edge's limits are in <c>Edge</c>.</summary>
internal sealed class EdgeHostOptions
{
    public const string SectionName = "EdgeHost";

    /// <summary>
    /// A folder served as static files at <c>/</c>, e.g. the embedded host's built <c>src/GameServer.Host/wwwroot</c>
    /// (demo and designer pages). Empty by default: the edge serves only the game, admin and operator endpoints.
    /// </summary>
    public string StaticFilesPath { get; set; } = "";
}
