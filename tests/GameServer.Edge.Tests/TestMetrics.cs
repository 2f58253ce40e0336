using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace GameServer.Edge.Tests;

/// <summary>A private meter factory for one test, with a listener that sums what the edge's counters record.</summary>
internal sealed class TestMetrics : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public TestMetrics()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        Edge = new EdgeMetrics(factory);
        // Only this test's meters: other tests create their own factories, and the scope tells them apart.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        _listener.Start();
    }

    public EdgeMetrics Edge { get; }

    public long Total(string instrument) => _totals.GetValueOrDefault(instrument);

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
