using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// Two embedded servers on one machine: with the default settings each silo picks free loopback ports, and a fixed
/// port that is taken stops start-up with a message naming the port and the setting (both used to start and listen on
/// the same Orleans ports at once).
/// </summary>
[CheckLogs]
public sealed class SiloPortTests
{
    private static readonly Dictionary<string, string?> s_defaultPorts = new() { ["Silo:SiloPort"] = "0", ["Silo:GatewayPort"] = "0" };

    [Fact]
    public async Task TwoHostsWithTheDefaultSiloPorts_BothStartAndServe_OnDifferentFreePorts()
    {
        await using var first = await TestHost.StartAsync("Development", s_defaultPorts);
        await using var second = await TestHost.StartAsync("Development", s_defaultPorts);

        var a = first.Services.GetRequiredService<ILocalSiloDetails>();
        var b = second.Services.GetRequiredService<ILocalSiloDetails>();
        int[] ports = [a.SiloAddress.Endpoint.Port, a.GatewayAddress!.Endpoint.Port, b.SiloAddress.Endpoint.Port, b.GatewayAddress!.Endpoint.Port];
        Assert.All(ports, port => Assert.NotEqual(0, port));
        Assert.Equal(4, ports.Distinct().Count());
        foreach (var host in new[] { first, second })
        {
            using var http = new HttpClient { BaseAddress = host.ManagementUri };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        }
    }

    [Theory]
    [InlineData("Silo:SiloPort", "Silo__SiloPort")]
    [InlineData("Silo:GatewayPort", "Silo__GatewayPort")]
    public void AFixedSiloPortThatIsTaken_StopsStartUp_NamingThePortAndTheSetting(string setting, string environmentVariable)
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0); // what another server on this machine holds
        occupant.Start();
        var taken = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var settings = new Dictionary<string, string?>(s_defaultPorts) { [setting] = taken.ToString() };

        var error = Assert.Throws<InvalidOperationException>(() => TestHost.BuildUnstarted("Development", settings));

        Assert.Contains($"{setting} = {taken}", error.Message);
        Assert.Contains("already in use", error.Message);
        Assert.Contains(environmentVariable, error.Message);
        occupant.Stop();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void ASiloPortOutsideTcpsRange_IsRefusedNamingTheSetting(int port)
    {
        var settings = new Dictionary<string, string?>(s_defaultPorts) { ["Silo:SiloPort"] = port.ToString() };

        var error = Assert.Throws<InvalidOperationException>(() => TestHost.BuildUnstarted("Development", settings));

        Assert.Contains($"Silo:SiloPort = {port} is not a TCP port", error.Message);
    }
}
