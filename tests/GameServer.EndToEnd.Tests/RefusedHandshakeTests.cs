using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// Refused handshakes cost no grain and are counted by reason. Serial (the metrics exporter sees every host's
/// meters in this test process), and counted as differences so earlier tests' refusals don't matter.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
[CheckLogs]
public sealed class RefusedHandshakeTests
{
    [Fact]
    public async Task RefusedHandshakes_ReachNoGrainAndAreCountedByReason()
    {
        // A host of its own: nothing else connects to it, so any grain activation would have come from a refused client.
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:AllowedOrigins:0"] = ProductionHostFixture.AllowedOrigin });
        var before = await ScrapeAsync(host);
        var statuses = new List<int> { (await RawHandshake.SendAsync(host.HttpUri)).Status };
        foreach (var row in SecurityHandshakeTests.BadTokens())
        {
            statuses.Add((await RawHandshake.SendAsync(host.HttpUri, token: (string)row[0])).Status);
        }
        statuses.Add((await RawHandshake.SendAsync(host.HttpUri, token: host.NewToken(), origin: "https://evil.example.net")).Status);
        statuses.Add((await RawHandshake.SendAsync(host.HttpUri, token: host.NewToken(), subProtocol: "chat")).Status);
        var after = await ScrapeAsync(host);

        Assert.Equal([401, 401, 401, 401, 401, 401, 401, 403, 400], statuses);
        var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var stats = await management.GetSimpleGrainStatistics();
        Assert.DoesNotContain(stats, s => s.GrainType.Contains("Room", StringComparison.Ordinal) || s.GrainType.Contains("Matchmaker", StringComparison.Ordinal));
        Assert.Equal(7, Rejects(after, "unauthorized") - Rejects(before, "unauthorized"));
        Assert.Equal(1, Rejects(after, "forbidden_origin") - Rejects(before, "forbidden_origin"));
        Assert.Equal(1, Rejects(after, "unsupported_subprotocol") - Rejects(before, "unsupported_subprotocol"));
        Assert.Equal(after.Sum("gameserver_edge_connections"), before.Sum("gameserver_edge_connections"));
    }

    private static double Rejects(PrometheusText metrics, string reason) =>
        metrics.Sum("gameserver_edge_handshake_rejects_total", $"gameserver_reject_reason=\"{reason}\"");

    private static async Task<PrometheusText> ScrapeAsync(TestHost host)
    {
        using var http = new HttpClient();
        return new PrometheusText(await http.GetStringAsync(new Uri(host.ManagementUri, "/metrics")));
    }
}
