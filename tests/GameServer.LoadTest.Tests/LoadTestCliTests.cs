using System.Net;
using System.Net.Sockets;
using GameServer.LoadTest.Cli;

namespace GameServer.LoadTest.Tests;

/// <summary>Exit code 2 for everything that stops a run before it starts, with a message naming the option.</summary>
public sealed class LoadTestCliTests
{
    [Theory]
    [InlineData("--rooms", "0")]
    [InlineData("--rooms", "many")]
    [InlineData("--duration", "soon")]
    [InlineData("--observers", "9")]
    [InlineData("--bot-cpus", "2-1")]
    [InlineData("--server-cpus", "0")]
    [InlineData("--url", "http://127.0.0.1:5000/ws")]
    [InlineData("--no-such-option", "1")]
    public async Task Run_WithABadOption_ExitsWith2AndNamesTheProblem(string option, string value)
    {
        var output = new StringWriter();

        var exit = await LoadTestCli.RunAsync([option, value], output, CancellationToken.None);

        Assert.Equal(ExitCodes.UsageOrSetup, exit);
        Assert.Contains("error:", output.ToString());
        Assert.Contains(option.TrimStart('-').Split('-')[0], output.ToString());
    }

    [Fact]
    public async Task Run_AgainstAPortNobodyListensOn_ExitsWith2BeforeTheRamp()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var output = new StringWriter();
        var dir = Directory.CreateTempSubdirectory("loadtest-cli-");
        try
        {
            var exit = await LoadTestCli.RunAsync(["--url", $"ws://127.0.0.1:{port}/ws", "--out", dir.FullName], output, CancellationToken.None);

            Assert.Equal(ExitCodes.UsageOrSetup, exit);
            Assert.Contains("Cannot reach", output.ToString());
            Assert.Empty(dir.GetFiles("*.json"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Help_ListsEveryOptionWithItsDefault()
    {
        var output = new StringWriter();

        var exit = await LoadTestCli.RunAsync(["--help"], output, CancellationToken.None);

        Assert.Equal(0, exit);
        var help = output.ToString();
        foreach (var expected in new[] { "--url", "--rooms", "--players-per-room", "--duration", "--ramp", "--warmup", "--input-rate", "--observers", "--room-type",
            "--seed", "--slo-p99-ms", "--slo-max-error-rate", "--slo-min-snapshot-rate", "--out", "--json", "--html", "--spawn-server", "--no-build",
            "--server-port", "--server-cpus", "--bot-cpus", "--server-pid", "--plain", "--no-progress", "[default: 30s]", "[default: 60]", "Exit codes" })
        {
            Assert.Contains(expected, help);
        }
    }
}
