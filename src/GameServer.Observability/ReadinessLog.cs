using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GameServer.Observability;

/// <summary>
/// Logs what <c>/readyz</c> finds once per change, not once per probe: the health-check service would log an Error at
/// every probe while a process is not ready (each probe of a starting edge, every few seconds of a cluster outage),
/// paging an operator for a normal start. Becoming ready and stopping are Information; losing readiness while running,
/// or still not being ready a minute after start, is a Warning naming the checks that fail and why.
/// </summary>
internal sealed partial class ReadinessLog
{
    /// <summary>How long a process may take to become ready before not being ready is worth a warning.</summary>
    public static readonly TimeSpan StartAllowance = TimeSpan.FromSeconds(60);

    private readonly ILogger<ReadinessLog> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly long _createdAt = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private bool _ready;
    private bool _everReady;
    private bool _warnedSlowStart;

    public ReadinessLog(ILogger<ReadinessLog> logger, IHostApplicationLifetime lifetime)
    {
        _logger = logger;
        _lifetime = lifetime;
    }

    public void Observe(HealthReport report)
    {
        var ready = report.Status == HealthStatus.Healthy;
        lock (_gate)
        {
            if (ready)
            {
                if (!_ready)
                {
                    Ready(_logger, _everReady ? "again" : string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(_createdAt).TotalSeconds:0.0} s after start"));
                }
                _ready = _everReady = true;
                return;
            }
            var failing = Failing(report);
            if (_lifetime.ApplicationStopping.IsCancellationRequested)
            {
                if (_ready)
                {
                    NotReadyStopping(_logger);
                }
            }
            else if (_ready)
            {
                NoLongerReady(_logger, failing);
            }
            else if (!_everReady && !_warnedSlowStart && Stopwatch.GetElapsedTime(_createdAt) >= StartAllowance)
            {
                _warnedSlowStart = true;
                NotReadyAfterStart(_logger, StartAllowance.TotalSeconds, failing);
            }
            _ready = false;
        }
    }

    private static string Failing(HealthReport report) => string.Join("; ", report.Entries
        .Where(entry => entry.Value.Status != HealthStatus.Healthy)
        .Select(entry => $"{entry.Key}: {entry.Value.Description}{(entry.Value.Exception is { } ex ? $" ({ex.GetType().Name}: {ex.Message})" : "")}"));

    [LoggerMessage(1, LogLevel.Information, "Ready ({When})")]
    private static partial void Ready(ILogger logger, string when);

    [LoggerMessage(2, LogLevel.Information, "Not ready: the host is stopping")]
    private static partial void NotReadyStopping(ILogger logger);

    [LoggerMessage(3, LogLevel.Warning, "No longer ready: {Failing}")]
    private static partial void NoLongerReady(ILogger logger, string failing);

    [LoggerMessage(4, LogLevel.Warning, "Still not ready {Seconds} s after start: {Failing}")]
    private static partial void NotReadyAfterStart(ILogger logger, double seconds, string failing);
}
