using System.Text;
using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Server;

namespace GameServer.LoadTest.Tests;

public sealed class ServerGcWindowTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RatesAsync_CountsBetweenTheWindowsTwoReads_PerSecondByGeneration()
    {
        // The real scrape (gen0 5, gen1 1, gen2 11) at the window's start; 20 gen0 and 2 gen1 collections later at its end.
        var atEnd = MetricsSamples.Scrape
            .Replace("gc_heap_generation=\"gen0\"} 5", "gc_heap_generation=\"gen0\"} 25", StringComparison.Ordinal)
            .Replace("gc_heap_generation=\"gen1\"} 1", "gc_heap_generation=\"gen1\"} 3", StringComparison.Ordinal);
        var served = 0;
        var firstServed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new FakeHttpServer(async context =>
        {
            var n = Interlocked.Increment(ref served);
            await WriteAsync(context.Response, n == 1 ? MetricsSamples.Scrape : atEnd);
            firstServed.TrySetResult();
        });
        using var gc = new ServerGcWindow(ServerGcWindow.MetricsUrlFor(server.WebSocketUrl("/ws")));

        gc.Begin();
        await firstServed.Task.WaitAsync(s_timeout);
        await Task.Delay(100);
        gc.End();
        var rates = await gc.RatesAsync().WaitAsync(s_timeout);

        Assert.NotNull(rates);
        Assert.InRange(rates.Gen0, 0.1, 1_000); // 20 collections over the time between the reads' midpoints (about 0.1 s)
        // One tenth of gen0's rate, within 1 % (the rates are rounded, so an exact two-decimal match can fall either side).
        Assert.InRange(rates.Gen1, rates.Gen0 / 10 * 0.99, rates.Gen0 / 10 * 1.01);
        Assert.Equal(0, rates.Gen2);
        Assert.Equal(["/metrics", "/metrics"], server.Paths);
    }

    [Fact]
    public async Task WarmAsync_AServerWithTheCounter_IsTrue_AndDoesNotOpenTheWindow()
    {
        using var server = new FakeHttpServer(context => WriteAsync(context.Response, MetricsSamples.Scrape));
        using var gc = new ServerGcWindow(ServerGcWindow.MetricsUrlFor(server.WebSocketUrl("/ws")));

        Assert.True(await gc.WarmAsync().WaitAsync(s_timeout));
        gc.End();

        Assert.Null(await gc.RatesAsync().WaitAsync(s_timeout));
        Assert.Single(server.Paths);
    }

    [Fact]
    public async Task RatesAsync_ServerNotListening_IsNullRatherThanAFailure()
    {
        var port = FreePort.Next(); // free a moment ago, so nothing answers there
        using var gc = new ServerGcWindow(new Uri($"http://127.0.0.1:{port}/metrics"));

        Assert.False(await gc.WarmAsync().WaitAsync(s_timeout));
        gc.Begin();
        gc.End();

        Assert.Null(await gc.RatesAsync().WaitAsync(s_timeout));
    }

    [Fact]
    public async Task RatesAsync_WindowNeverOpened_IsNullAndReadsNothing()
    {
        using var server = new FakeHttpServer(context => WriteAsync(context.Response, MetricsSamples.Scrape));
        using var gc = new ServerGcWindow(ServerGcWindow.MetricsUrlFor(server.WebSocketUrl("/ws")));

        gc.End();

        Assert.Null(await gc.RatesAsync().WaitAsync(s_timeout));
        Assert.Empty(server.Paths);
    }

    [Theory]
    [InlineData(200, "# TYPE dotnet_assembly_count gauge\ndotnet_assembly_count{otel_scope_name=\"System.Runtime\"} 169\n")]
    [InlineData(404, "")]
    [InlineData(500, "dotnet_gc_collections_total{gc_heap_generation=\"gen0\"} 5\n")]
    public async Task ReadAsync_WithoutTheCounterOrWithoutA200_IsNull(int status, string body)
    {
        using var server = new FakeHttpServer(context =>
        {
            context.Response.StatusCode = status;
            return WriteAsync(context.Response, body);
        });
        using var gc = new ServerGcWindow(ServerGcWindow.MetricsUrlFor(server.WebSocketUrl("/ws")));

        Assert.Null(await gc.ReadAsync().WaitAsync(s_timeout));
    }

    [Theory]
    [InlineData("ws://127.0.0.1:5000/ws", "http://127.0.0.1:5000/metrics")]
    [InlineData("wss://edge.example.com/ws?x=1", "https://edge.example.com/metrics")]
    [InlineData("ws://10.0.0.6:5102/ws", "http://10.0.0.6:5102/metrics")]
    public void MetricsUrlFor_IsTheSameHostAndPortOverHttp(string webSocketUrl, string expected)
    {
        Assert.Equal(new Uri(expected), ServerGcWindow.MetricsUrlFor(new Uri(webSocketUrl)));
    }

    private static async Task WriteAsync(System.Net.HttpListenerResponse response, string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        response.ContentType = "text/plain; charset=utf-8; version=0.0.4";
        await response.OutputStream.WriteAsync(body);
    }
}
