using System.Net.Http.Headers;
using GameServer.LoadTest.Results;
using GameServer.LoadTest.Server;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// The server's garbage collections over the measurement window. Another process's GC counters are not in /proc, so
/// they come from the server's Prometheus endpoint (OpenTelemetry's export of the runtime's <c>System.Runtime</c>
/// meter), read once when the window opens and once when it closes. Each read runs in the background, so the 1 s loop
/// does not wait on HTTP; a server that does not answer, or has no such metric, gives no rates rather than a failed run.
/// </summary>
internal sealed class ServerGcWindow : IDisposable
{
    /// <summary>The runtime's <c>dotnet.gc.collections</c> counter, as the OpenTelemetry Prometheus exporter names it.</summary>
    public const string CollectionsMetric = "dotnet_gc_collections_total";

    /// <summary>The runtime's <c>gc.heap.generation</c> attribute: <c>gen0</c>, <c>gen1</c>, <c>gen2</c>.</summary>
    public const string GenerationLabel = "gc_heap_generation";

    /// <summary>The servers' scrape path (GameServer.Observability's MetricsPath).</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>A scrape of a local server takes milliseconds; one stuck longer than this is not worth waiting for.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http;
    private Task<(long At, GcCollectionCounts Counts)?>? _start;
    private Task<(long At, GcCollectionCounts Counts)?>? _end;

    public ServerGcWindow(Uri metricsUrl)
    {
        MetricsUrl = metricsUrl;
        _http = new HttpClient { Timeout = s_timeout };
        // The plain text format: the exporter answers OpenMetrics only when asked for it.
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
    }

    public Uri MetricsUrl { get; }

    /// <summary>The metrics endpoint of the server behind <paramref name="webSocketUrl"/>: same host and port, http for ws, https for wss.</summary>
    public static Uri MetricsUrlFor(Uri webSocketUrl) => ServerHttpUrl.For(webSocketUrl, MetricsPath);

    /// <summary>
    /// Where to scrape: <paramref name="managementUrl"/>'s /metrics when the server's management address is known (a
    /// spawned server's, or --server-management-url), else the game port's, where only a Development server answers.
    /// </summary>
    public static Uri MetricsUrlFor(Uri webSocketUrl, Uri? managementUrl) =>
        managementUrl is null ? MetricsUrlFor(webSocketUrl) : new Uri(managementUrl, MetricsPath);

    /// <summary>
    /// Before the run: one read whose result is not used, so that the server's first scrape, which compiles the
    /// exporter's code and costs it far more CPU than later ones, happens before any bot connects rather than in the
    /// ramp or the window. True when the server answered with GC counts.
    /// </summary>
    public async Task<bool> WarmAsync() => await ReadAsync().ConfigureAwait(false) is not null;

    /// <summary>The window opened: starts the first read.</summary>
    public void Begin() => _start ??= ReadAsync();

    /// <summary>The window closed: starts the second read (nothing if it never opened).</summary>
    public void End()
    {
        if (_start is not null)
        {
            _end ??= ReadAsync();
        }
    }

    /// <summary>
    /// Collections per second by generation between the two reads; null when the window never opened, a read failed,
    /// or the counts went down (the server restarted in between).
    /// </summary>
    public async Task<GcCollectionRates?> RatesAsync()
    {
        if (_start is null || _end is null || await _start.ConfigureAwait(false) is not { } start || await _end.ConfigureAwait(false) is not { } end)
        {
            return null;
        }
        var seconds = Clock.Seconds(end.At - start.At);
        var (gen0, gen1, gen2) = (end.Counts.Gen0 - start.Counts.Gen0, end.Counts.Gen1 - start.Counts.Gen1, end.Counts.Gen2 - start.Counts.Gen2);
        if (seconds <= 0 || gen0 < 0 || gen1 < 0 || gen2 < 0)
        {
            return null;
        }
        return new GcCollectionRates(Math.Round(gen0 / seconds, 3), Math.Round(gen1 / seconds, 3), Math.Round(gen2 / seconds, 3));
    }

    /// <summary>
    /// One scrape: the counts, stamped halfway through the request (the server takes them somewhere in it); null when the
    /// server did not answer 200 in time or its text has no <see cref="CollectionsMetric"/>.
    /// </summary>
    public async Task<(long At, GcCollectionCounts Counts)?> ReadAsync()
    {
        var sent = Clock.Now;
        try
        {
            using var response = await _http.GetAsync(MetricsUrl, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            var at = sent + ((Clock.Now - sent) / 2);
            return ParseCollections(text) is { } counts ? (at, counts) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>The GC collection counts in a scrape; null when it has none. A generation without a sample counts 0.</summary>
    public static GcCollectionCounts? ParseCollections(string metricsText)
    {
        var byGeneration = PrometheusText.SumByLabel(metricsText, CollectionsMetric, GenerationLabel);
        if (byGeneration.Count == 0)
        {
            return null;
        }
        return new GcCollectionCounts(byGeneration.GetValueOrDefault("gen0"), byGeneration.GetValueOrDefault("gen1"), byGeneration.GetValueOrDefault("gen2"));
    }

    public void Dispose() => _http.Dispose();
}
