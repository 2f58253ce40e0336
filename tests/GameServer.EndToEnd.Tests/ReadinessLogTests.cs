using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// What a real host logs about readiness while a prober polls <c>/readyz</c>: each change once (ready, no longer ready,
/// ready again), never an entry per probe. A readiness check the test switches off and on stands in for a cluster the
/// edge loses and finds again.
/// </summary>
[CheckLogs]
public sealed class ReadinessLogTests
{
    private const string Category = "GameServer.Observability.ReadinessLog";

    [Fact]
    [AllowLog(Category, 3, "the test switches a readiness check off, and the host says once that it is no longer ready")]
    public async Task WhileAProbePolls_TheHostLogsEachReadinessChangeOnce_AndNoErrorPerProbe()
    {
        var ready = true;
        var logged = new CapturingLoggerProvider(Category);
        await using var host = await TestHost.StartAsync("Production",
            new Dictionary<string, string?> { [$"Logging:LogLevel:{Category}"] = "Information" },
            configure: builder =>
            {
                builder.Services.AddHealthChecks().AddCheck("test-switch",
                    () => Volatile.Read(ref ready) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("switched off by the test"),
                    tags: ["ready"]);
                builder.Logging.AddProvider(logged);
            });
        using var http = new HttpClient { BaseAddress = host.ManagementUri };
        await Wait.UntilAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "the host is ready");

        Volatile.Write(ref ready, false);
        for (var probe = 0; probe < 5; probe++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        }
        Volatile.Write(ref ready, true);
        for (var probe = 0; probe < 3; probe++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        }

        var entries = logged.Entries.ToList();
        Assert.Collection(entries,
            first => Assert.Matches(@"^Information 1 Ready \(\d+\.\d s after start\)$", first),
            lost => Assert.Equal("Warning 3 No longer ready: test-switch: switched off by the test", lost),
            back => Assert.Equal("Information 1 Ready (again)", back));
    }

    /// <summary>Everything one category logs, as "Level EventId Message".</summary>
    private sealed class CapturingLoggerProvider(string category) : ILoggerProvider
    {
        public ConcurrentQueue<string> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => categoryName == category ? new Logger(Entries) : NullLoggerInstance;

        public void Dispose()
        {
        }

        private static readonly ILogger NullLoggerInstance = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        private sealed class Logger(ConcurrentQueue<string> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)}");
        }
    }
}
