namespace GameServer.LoadTest.Tests;

/// <summary>Real text from the embedded host's /metrics, scraped during a load run's warm-up.</summary>
internal static class MetricsSamples
{
    /// <summary>The first 21 lines of the scrape (the whole page is about 570 lines, 74 kB), verbatim.</summary>
    public const string Scrape = """
        # TYPE target_info gauge
        # HELP target_info Target metadata
        target_info{telemetry_sdk_name="opentelemetry",telemetry_sdk_language="dotnet",telemetry_sdk_version="1.20.1",service_name="unknown_service:dotnet"} 1
        # TYPE dotnet_assembly_count gauge
        # HELP dotnet_assembly_count The number of .NET assemblies that are currently loaded.
        dotnet_assembly_count{otel_scope_name="System.Runtime"} 169
        # TYPE dotnet_gc_collections_total counter
        # HELP dotnet_gc_collections_total The number of garbage collections that have occurred since the process has started.
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 11
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen1"} 1
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 5
        # TYPE dotnet_gc_heap_total_allocated_bytes_total counter
        # HELP dotnet_gc_heap_total_allocated_bytes_total The approximate number of bytes allocated on the managed GC heap since the process has started. The returned value does not include any native allocations.
        dotnet_gc_heap_total_allocated_bytes_total{otel_scope_name="System.Runtime"} 168033696
        # TYPE dotnet_gc_last_collection_heap_fragmentation_size_bytes gauge
        # HELP dotnet_gc_last_collection_heap_fragmentation_size_bytes The heap fragmentation, as observed during the latest garbage collection.
        dotnet_gc_last_collection_heap_fragmentation_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 195752
        dotnet_gc_last_collection_heap_fragmentation_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen1"} 0
        dotnet_gc_last_collection_heap_fragmentation_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 216488
        dotnet_gc_last_collection_heap_fragmentation_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="loh"} 6457784
        dotnet_gc_last_collection_heap_fragmentation_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="poh"} 0

        """;
}
