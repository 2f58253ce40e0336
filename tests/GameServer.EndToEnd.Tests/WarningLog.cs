using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GameServer.EndToEnd.Tests;

/// <summary>Collects what a host logs at Warning or above (optionally only categories starting with a prefix).</summary>
internal sealed class WarningLog(string categoryPrefix = "") : ILoggerProvider
{
    public ConcurrentQueue<string> Entries { get; } = new();

    private string CategoryPrefix { get; } = categoryPrefix;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(WarningLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && category.StartsWith(log.CategoryPrefix, StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Entries.Enqueue($"{logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
