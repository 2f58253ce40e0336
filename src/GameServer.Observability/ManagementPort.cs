namespace GameServer.Observability;

/// <summary>
/// The management listener resolved from <c>Management:Urls</c> at start-up: its ports, and whether the management
/// endpoints are kept off every other port.
/// </summary>
public sealed class ManagementPort
{
    private readonly HashSet<int> _ports;

    internal ManagementPort(IReadOnlyList<string> urls, IEnumerable<int> ports, bool exclusive)
    {
        Urls = urls;
        _ports = [.. ports];
        Exclusive = exclusive;
    }

    /// <summary>The management URLs as configured, e.g. <c>http://127.0.0.1:5090</c>; empty when there is no management listener (Development only).</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>
    /// True outside Development: <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c> and <c>/dashboard</c> answer 404 on
    /// every port but the management port. False in Development, where they answer on every port.
    /// </summary>
    public bool Exclusive { get; }

    /// <summary>Whether <paramref name="localPort"/> (the port a connection arrived on) is a management port.</summary>
    public bool IsManagementPort(int localPort) => _ports.Contains(localPort);
}
