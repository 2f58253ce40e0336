using GameServer.LoadTest.Cli;
using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Tests;

/// <summary>The --churn soak's parts that need no server: options, growth figures, what is read from a process and its metrics (the verdict: <see cref="SloEvaluatorTests"/>).</summary>
public sealed class SoakTests
{
    [Fact]
    public void Bind_ChurnOptions_AreReadAndValid()
    {
        var command = new LoadTestCommand(_ => null);

        var options = command.Bind(command.Root.Parse([
            "--churn", "--match-min", "10s", "--match-max", "1m", "--rejoin-delay-max", "3s", "--drop-share", "0.5",
            "--sample-every", "2s", "--slo-max-growth", "7", "--watch", $"{Environment.ProcessId}=http://127.0.0.1:5111/metrics", "--watch", $"{Environment.ProcessId}"]));

        Assert.True(options.Churn);
        Assert.Equal(TimeSpan.FromSeconds(10), options.MatchMin);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MatchMax);
        Assert.Equal(TimeSpan.FromSeconds(3), options.RejoinDelayMax);
        Assert.Equal(0.5, options.DropShare);
        Assert.Equal(TimeSpan.FromSeconds(2), options.SampleEvery);
        Assert.Equal(7, options.SloMaxGrowthPercent);
        Assert.Equal([new WatchedProcess(Environment.ProcessId, new Uri("http://127.0.0.1:5111/metrics")), new WatchedProcess(Environment.ProcessId, null)], options.Watch);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_ChurnSettingsOutOfRange_NameEachOption()
    {
        var options = new LoadTestOptions
        {
            Churn = true,
            MatchMin = TimeSpan.FromSeconds(60),
            MatchMax = TimeSpan.FromSeconds(30),
            DropShare = 1.5,
            SampleEvery = TimeSpan.FromMilliseconds(500),
            SloMaxGrowthPercent = 0,
            RejoinDelayMax = TimeSpan.FromSeconds(-1),
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("--match-min must be above 0 and at most --match-max", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--drop-share is a fraction", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--sample-every must be at least 1s", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--slo-max-growth must be above 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--rejoin-delay-max cannot be negative", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WatchWithoutChurn_SaysToAddChurn()
    {
        var errors = new LoadTestOptions { Watch = [new WatchedProcess(Environment.ProcessId, null)] }.Validate();

        Assert.Contains("--watch names the processes a --churn soak samples: add --churn.", errors);
    }

    [Theory]
    [InlineData("abc", "'abc' is not a process id")]
    [InlineData("0", "'0' is not a process id")]
    [InlineData("12=ftp://x/metrics", "'ftp://x/metrics' is not an http:// or https:// metrics address")]
    [InlineData("12=metrics", "'metrics' is not an http:// or https:// metrics address")]
    public void WatchedProcess_TryParse_RefusesWithTheReason(string text, string why)
    {
        Assert.False(WatchedProcess.TryParse(text, out var watched, out var reason));
        Assert.Null(watched);
        Assert.Equal(why, reason);
    }

    [Fact]
    public void Parse_ABadWatch_IsAUsageErrorNamingTheSyntax()
    {
        var result = new LoadTestCommand(_ => null).Root.Parse(["--churn", "--watch", "x"]);

        Assert.Contains(result.Errors, e => e.Message == "--watch 'x': 'x' is not a process id; use PID or PID=http://HOST:PORT/metrics.");
    }

    [Fact]
    public void Growth_ComparesTheMedianOfTheLastFifthWithTheFirstFifth_SoOneOutlierDoesNotDecide()
    {
        // Sixteen values (the null is left out): fifths of three. A sample caught mid-burst (400, 90) is outvoted.
        double?[] samples = [100, 400, 102, null, 103, 104, 104, 105, 106, 106, 107, 108, 108, 109, 110, 90, 112];

        Assert.Equal(new GrowthFigure(102, 110, 7.8), GrowthMath.Growth(samples));
    }

    [Fact]
    public void Growth_OfASteadyRise_IsThePercentageBetweenTheEnds()
    {
        double?[] samples = [100, 100, 102, 104, 106, 108, 110, 110, 110, 110];

        Assert.Equal(new GrowthFigure(100, 110, 10), GrowthMath.Growth(samples));
    }

    [Fact]
    public void Growth_WithoutSamples_OrFromZero_HasNoPercentage()
    {
        Assert.Equal(new GrowthFigure(null, null, null), GrowthMath.Growth([null, null]));
        Assert.Null(GrowthMath.Growth([0, 0, 5, 5, 5]).Percent);
    }

    [Fact]
    public void ParseThreads_ReadsTheThreadsLineOfProcStatus()
    {
        Assert.Equal(42, ResourceReader.ParseThreads("Name:\tdotnet\nVmRSS:\t  1000 kB\nThreads:\t42\nSigQ:\t0/1\n"));
        Assert.Null(ResourceReader.ParseThreads("Name:\tdotnet\n"));
    }

    [Fact]
    public void ReadProc_ThisProcess_HasMemoryThreadsAndOpenHandles()
    {
        var resources = ResourceReader.ReadProc(Environment.ProcessId);

        Assert.True(resources.RssMb > 0);
        Assert.True(resources.Threads > 1);
        Assert.True(resources.OpenHandles > 3); // at least stdin, stdout, stderr and the test host's pipes
    }

    [Fact]
    public void Activations_LeaveOrleansSystemTargetsOut_AndPickTheRoomGrains()
    {
        const string scrape = """
            # TYPE orleans_catalog_activations gauge
            orleans_catalog_activations{otel_scope_name="Microsoft.Orleans",grain_type="sys.svc.catalog"} 1
            orleans_catalog_activations{otel_scope_name="Microsoft.Orleans",grain_type="sys.svc.dir.grain"} 1
            orleans_catalog_activations{otel_scope_name="Microsoft.Orleans",grain_type="room"} 17
            orleans_catalog_activations{otel_scope_name="Microsoft.Orleans",grain_type="matchmaker"} 1
            orleans_catalog_activations{otel_scope_name="Microsoft.Orleans",grain_type="dashboard"} 1
            """;

        Assert.Equal(19, ResourceReader.Activations(scrape, out var rooms));
        Assert.Equal(17, rooms);
        Assert.Null(ResourceReader.Activations("dotnet_gc_heap_total_allocated_bytes_total 5\n", out var none));
        Assert.Null(none);
    }

    [Fact]
    public void Sum_AddsEverySampleOfTheMetric_WhateverItsLabels()
    {
        Assert.Equal(67947315, PrometheusText.Sum(MetricsSamplesForHeap, "dotnet_gc_last_collection_heap_size_bytes"));
        Assert.Null(PrometheusText.Sum(MetricsSamplesForHeap, "gameserver_rooms_active"));
        Assert.Equal(3, PrometheusText.Sum("unlabelled_metric 3\n", "unlabelled_metric"));
    }

    private const string MetricsSamplesForHeap = """
        dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 1048576
        dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 6291456
        dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="loh"} 60607283
        """;
}
