using System.Net;
using System.Text.Json;

namespace GameServer.EndToEnd.Tests;

/// <summary>The operator's view of a running server: health endpoints and the dashboard (metrics: <see cref="MetricsEndpointTests"/>).</summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class OperationsEndpointTests(HostFixture host)
{
    [Fact]
    public async Task Healthz_AnswersHealthy()
    {
        using var http = new HttpClient { BaseAddress = host.HttpUri };
        var response = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_ReportsTheSiloTheEdgeAndTheHostReady()
    {
        using var http = new HttpClient { BaseAddress = host.HttpUri };
        var response = await http.GetAsync("/readyz");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var report = JsonDocument.Parse(body);
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
        var checks = report.RootElement.GetProperty("checks");
        foreach (var name in new[] { "silo", "edge-cluster", "host-lifetime" })
        {
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Dashboard_IsServed()
    {
        using var http = new HttpClient { BaseAddress = host.HttpUri };
        var response = await http.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
