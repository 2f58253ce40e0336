using System.Globalization;
using System.Net.Http.Headers;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// Reads what a churn soak watches in one server process: RSS, threads and open file descriptors from /proc, and from
/// its Prometheus endpoint the GC heap and gen2 collections (the runtime's meter), grain activations (Orleans' meter)
/// and open rooms (the game's meter). A figure the process does not give is null: an edge has no grains, a process
/// without metrics has only the /proc figures.
/// </summary>
internal sealed class ResourceReader(WatchedProcess process, HttpClient http)
{
    /// <summary>Orleans' name for <c>RoomGrain</c>'s grain type (the class name without "Grain", lower case).</summary>
    public const string RoomGrainType = "room";

    /// <summary>Orleans' own system targets are listed as activations of types starting with this; they are fixed, not grains.</summary>
    private const string SystemTargetPrefix = "sys.";

    public WatchedProcess Process { get; } = process;

    /// <summary>A reader's HTTP client: plain text (the exporter answers OpenMetrics only when asked), short timeout.</summary>
    public static HttpClient CreateHttpClient()
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        return http;
    }

    public async Task<ProcessResources> ReadAsync(CancellationToken cancellationToken)
    {
        var resources = ReadProc(Process.Pid);
        if (Process.MetricsUrl is null)
        {
            return resources;
        }
        string text;
        try
        {
            text = await http.GetStringAsync(Process.MetricsUrl, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return resources;
        }
        return resources with
        {
            GcHeapMb = PrometheusText.Sum(text, "dotnet_gc_last_collection_heap_size_bytes") is { } bytes ? Math.Round(bytes / (1024.0 * 1024.0), 1) : null,
            Gen2Collections = PrometheusText.SumByLabel(text, ServerGcWindow.CollectionsMetric, ServerGcWindow.GenerationLabel).TryGetValue("gen2", out var gen2) ? gen2 : null,
            Activations = Activations(text, out var rooms),
            RoomActivations = rooms,
            RoomsOpen = PrometheusText.Sum(text, "gameserver_rooms_active"),
        };
    }

    /// <summary>Grain activations by type, system targets left out; null when the process hosts no silo.</summary>
    public static double? Activations(string metricsText, out double? roomActivations)
    {
        var byType = PrometheusText.SumByLabel(metricsText, "orleans_catalog_activations", "grain_type");
        roomActivations = null;
        if (byType.Count == 0)
        {
            return null;
        }
        roomActivations = byType.GetValueOrDefault(RoomGrainType);
        return byType.Where(t => !t.Key.StartsWith(SystemTargetPrefix, StringComparison.Ordinal)).Sum(t => t.Value);
    }

    /// <summary>RSS, threads and open descriptors; all null once the process is gone.</summary>
    public static ProcessResources ReadProc(int pid)
    {
        try
        {
            var status = File.ReadAllText($"/proc/{pid}/status");
            return new ProcessResources
            {
                RssMb = ProcessSampler.ParseRssMb(status),
                Threads = ParseThreads(status),
                OpenHandles = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count(),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ProcessResources();
        }
    }

    /// <summary>"Threads:  42" from /proc/&lt;pid&gt;/status; null if absent.</summary>
    public static int? ParseThreads(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                return int.Parse(line.AsSpan("Threads:".Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }
        return null;
    }
}
