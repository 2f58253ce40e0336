using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace GameServer.Cluster.Tests;

/// <summary>
/// The load tool (<c>gameserver-loadtest</c>) as a real process driving simulated players through every edge of a
/// cluster, writing its JSON result; the chaos tests break the cluster while it plays and read the result.
/// </summary>
internal sealed class LoadToolRun : IDisposable
{
    private readonly ManagedProcess _process;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private LoadToolRun(ManagedProcess process, string jsonPath, int rooms, int playersPerRoom, double rampSeconds, double warmupSeconds, double durationSeconds)
    {
        _process = process;
        JsonPath = jsonPath;
        Rooms = rooms;
        PlayersPerRoom = playersPerRoom;
        Players = rooms * playersPerRoom;
        MeasuringFrom = TimeSpan.FromSeconds(rampSeconds + warmupSeconds);
        RunTime = TimeSpan.FromSeconds(rampSeconds + warmupSeconds + durationSeconds);
    }

    public string JsonPath { get; }

    public int Rooms { get; }

    public int PlayersPerRoom { get; }

    public int Players { get; }

    /// <summary>When (after start) the ramp and warm-up are over.</summary>
    public TimeSpan MeasuringFrom { get; }

    /// <summary>How long the run lasts in total.</summary>
    public TimeSpan RunTime { get; }

    public TimeSpan Elapsed => _clock.Elapsed;

    public string Tail(int lines = 60) => _process.Tail(lines);

    /// <summary>Starts <paramref name="rooms"/> full arena rooms across every edge of <paramref name="cluster"/>.</summary>
    public static LoadToolRun Start(ClusterProcesses cluster, string name, int rooms, double rampSeconds = 5, double warmupSeconds = 5, double durationSeconds = 25)
    {
        const int playersPerRoom = 8;
        var jsonPath = Path.Combine(cluster.WorkDirectory, name + ".json");
        var args = new List<string>
        {
            LoadToolDll(),
            "--rooms", rooms.ToString(CultureInfo.InvariantCulture),
            "--players-per-room", playersPerRoom.ToString(CultureInfo.InvariantCulture),
            "--ramp", Seconds(rampSeconds),
            "--warmup", Seconds(warmupSeconds),
            "--duration", Seconds(durationSeconds),
            "--token-key", cluster.SigningKey,
            "--json", jsonPath,
            "--plain",
        };
        foreach (var edge in cluster.Edges)
        {
            args.Add("--url");
            args.Add(edge.WebSocketUri.ToString());
        }
        var process = ManagedProcess.Start(name, "dotnet", args, new Dictionary<string, string?>(), cluster.WorkDirectory);
        return new LoadToolRun(process, jsonPath, rooms, playersPerRoom, rampSeconds, warmupSeconds, durationSeconds);
    }

    /// <summary>Waits for the run to end by itself and returns its JSON result (exit code 0 or 1: SLOs are the tests' business).</summary>
    public async Task<JsonElement> ResultAsync()
    {
        var bound = RunTime - Elapsed + TimeSpan.FromSeconds(90);
        if (!await _process.WaitForExitAsync(bound))
        {
            throw new TimeoutException($"The load tool did not finish within {bound.TotalSeconds:0} s.\n{Tail()}");
        }
        if (_process.ExitCode is not (0 or 1) || !File.Exists(JsonPath))
        {
            throw new InvalidOperationException($"The load tool failed (exit code {_process.ExitCode}).\n{Tail()}");
        }
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(JsonPath));
        return json.RootElement.Clone();
    }

    public void Dispose() => _process.Dispose();

    private static string LoadToolDll()
    {
        var path = Path.Combine(RepoPaths.Root, "src", "GameServer.LoadTest", "bin", "Release", "net10.0", "gameserver-loadtest.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is not built: run `dotnet build GameServer.sln -c Release` first.");
    }

    private static string Seconds(double seconds) => seconds.ToString(CultureInfo.InvariantCulture) + "s";
}
