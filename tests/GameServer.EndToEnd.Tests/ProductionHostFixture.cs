namespace GameServer.EndToEnd.Tests;

/// <summary>
/// A host in the Production environment with the shipped defaults except an origin allowlist and a small per-IP
/// limit (every test client comes from 127.0.0.1): what the security tests must find guarded.
/// </summary>
public sealed class ProductionHostFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://play.example.com";
    public const int MaxConnectionsPerIp = 4;

    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TestHost.StartAsync("Production", new Dictionary<string, string?>
    {
        ["Edge:AllowedOrigins:0"] = AllowedOrigin,
        ["Edge:MaxConnectionsPerIp"] = MaxConnectionsPerIp.ToString(),
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
