using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The SDK under NativeAOT, where nothing can be generated at run time (as under Unity's IL2CPP): the console client
/// (src/GameServer.ConsoleClient) is published as a native executable, with trim and AOT analysis warnings as errors,
/// and plays the arena against the embedded server. Serial: the native compile takes both cores for a minute or two.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
[CheckLogs]
public sealed class NativeAotClientTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PublishBound = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task TheConsoleClient_PublishedWithNativeAot_JoinsTheArena_AndItsInputsAreAcknowledgedAndMoveIt()
    {
        var outputDir = Path.Combine(Path.GetTempPath(), "gameserver-aot-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var project = Path.Combine(RepoPaths.Root, "src", "GameServer.ConsoleClient", "GameServer.ConsoleClient.csproj");
            var (publishExit, publishLog) = await ChildProcess.RunAsync(
                "dotnet", RepoPaths.Root, PublishBound, "publish", project, "-c", "Release", "-r", "linux-x64", "-o", outputDir, "-nologo");
            Assert.True(publishExit == 0, "NativeAOT publish failed (needs clang and zlib1g-dev, which test.sh installs):\n" + publishLog);
            var executable = Path.Combine(outputDir, "gameserver-client");
            Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(executable)[..4]); // a native executable, no IL to JIT
            Assert.False(File.Exists(Path.Combine(outputDir, "gameserver-client.dll")));

            await using var host = await TestHost.StartAsync("Development");
            var (exit, log) = await ChildProcess.RunAsync(executable, outputDir, TimeSpan.FromMinutes(1), host.WebSocketUri.ToString(), host.NewToken(), "10");
            output.WriteLine(log);

            Assert.True(exit == 0, log);
            var line = Regex.Match(log, @"\[stdout\] ok room=(?<room>\S+) entity=(?<entity>\d+) acked=(?<acked>\d+) tick=\d+ moved=(?<moved>[\d.]+)");
            Assert.True(line.Success, log);
            Assert.StartsWith("arena:", line.Groups["room"].Value);
            Assert.True(int.Parse(line.Groups["acked"].Value) >= 10, log);
            Assert.True(double.Parse(line.Groups["moved"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, log);
        }
        finally
        {
            if (Directory.Exists(outputDir))
            {
                Directory.Delete(outputDir, recursive: true);
            }
        }
    }
}
