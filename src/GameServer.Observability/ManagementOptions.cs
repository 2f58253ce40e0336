namespace GameServer.Observability;

/// <summary>Where operators reach a process (configuration section <c>Management</c>).</summary>
public sealed class ManagementOptions
{
    public const string SectionName = "Management";

    /// <summary>
    /// The management listener: one URL or several separated by <c>;</c>, each with a fixed port of its own, e.g.
    /// <c>http://127.0.0.1:5090</c>. <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c> and <c>/dashboard</c> answer
    /// only here, never on the game port (<c>Urls</c>), except in Development, where they answer on every port and
    /// an empty value (the shipped Development setting) adds no listener. Default in each host's appsettings.json,
    /// loopback only: <c>http://127.0.0.1:5090</c> (embedded host), <c>:5190</c> (edge), <c>:5111</c> (silo, which
    /// has no game port and listens only here).
    /// </summary>
    public string? Urls { get; set; }
}
