namespace GameServer.EndToEnd.Tests;

/// <summary>
/// A host in the Production environment with the shipped defaults except an origin allowlist and a small per-IP
/// limit (every test client comes from 127.0.0.1): what the security tests must find guarded.
/// </summary>
public sealed class ProductionHostFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://play.example.com";
    public const int MaxConnectionsPerIp = 4;

    private TestHost _host = null!;

    /// <summary>The shared host; reading it puts its log under the running test's log guard.</summary>
    public TestHost Host
    {
        get
        {
            TestLogScope.Required.Watch(_host.Logs);
            return _host;
        }
    }

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync("Production", new Dictionary<string, string?>
    {
        ["Edge:AllowedOrigins:0"] = AllowedOrigin,
        ["Edge:MaxConnectionsPerIp"] = MaxConnectionsPerIp.ToString(),
    });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _host.Logs.AssertNoUncheckedEntries();
    }
}
