using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Tests;

public sealed class PrometheusTextTests
{
    private const string Metric = ServerGcWindow.CollectionsMetric;
    private const string Label = ServerGcWindow.GenerationLabel;

    [Fact]
    public void SumByLabel_RealScrape_ReadsEachGenerationOfTheCollectionsCounterOnly()
    {
        var byGeneration = PrometheusText.SumByLabel(MetricsSamples.Scrape, Metric, Label);

        // Not the heap-size and fragmentation gauges, which carry the same label (and loh, poh).
        Assert.Equal(new Dictionary<string, double> { ["gen2"] = 11, ["gen1"] = 1, ["gen0"] = 5 }, byGeneration);
    }

    [Fact]
    public void ParseCollections_RealScrape_GivesCountsByGeneration()
    {
        Assert.Equal(new GcCollectionCounts(Gen0: 5, Gen1: 1, Gen2: 11), ServerGcWindow.ParseCollections(MetricsSamples.Scrape));
    }

    [Fact]
    public void ParseCollections_AScrapeWithoutTheCounter_IsNull()
    {
        Assert.Null(ServerGcWindow.ParseCollections("# TYPE dotnet_assembly_count gauge\ndotnet_assembly_count{otel_scope_name=\"System.Runtime\"} 169\n"));
        Assert.Null(ServerGcWindow.ParseCollections(""));
    }

    [Fact]
    public void SumByLabel_TimestampsEscapesOtherLabelsAndLongerNames_AreHandled()
    {
        const string text = """
            # TYPE dotnet_gc_collections counter
            dotnet_gc_collections_total{gc_heap_generation="gen0",host="a \"quoted\", odd}"} 7 1733101234567
            dotnet_gc_collections_total{host="b",gc_heap_generation="gen0"} 3
            dotnet_gc_collections_total{host="c"} 100
            dotnet_gc_collections_total_extra{gc_heap_generation="gen0"} 1000
            dotnet_gc_collections_created{gc_heap_generation="gen0"} 1733100000
            dotnet_gc_collections_total{gc_heap_generation="gen2"} NaN
            dotnet_gc_collections_total{gc_heap_generation="gen1" 4
            # EOF
            """;

        var byGeneration = PrometheusText.SumByLabel(text.Replace("\n", "\r\n", StringComparison.Ordinal), Metric, Label);

        // gen0: two series summed; no label, a longer name, NaN and the malformed line are left out.
        Assert.Equal(new Dictionary<string, double> { ["gen0"] = 10 }, byGeneration);
    }
}
