using System.Diagnostics;
using GameServer.Abstractions;

namespace GameServer.Grains;

/// <summary>
/// A room's recent ticks (time, duration, snapshot bytes) in a fixed ring, summarised on demand for the designer's
/// page: what the room actually does, next to what it was told to do. Recording is allocation-free.
/// </summary>
internal sealed class RoomLiveStatsTracker
{
    private static readonly long s_window = Stopwatch.Frequency * 2;
    private readonly (long At, long Duration, int SnapshotBytes)[] _ticks = new (long, long, int)[256];
    private int _next;
    private int _count;

    public void Record(long at, long duration, int snapshotBytes)
    {
        _ticks[_next] = (at, duration, snapshotBytes);
        _next = (_next + 1) % _ticks.Length;
        _count = Math.Min(_count + 1, _ticks.Length);
    }

    /// <summary>Rates and percentiles over the last two seconds (or the ring, if shorter).</summary>
    public RoomLiveStats Summarize(long now)
    {
        var durations = new List<double>(_count);
        long bytes = 0;
        var oldest = now;
        for (var i = 0; i < _count; i++)
        {
            var (at, duration, snapshotBytes) = _ticks[(_next - 1 - i + _ticks.Length) % _ticks.Length];
            if (now - at > s_window)
            {
                break;
            }
            durations.Add(duration * 1000.0 / Stopwatch.Frequency);
            bytes += snapshotBytes;
            oldest = at;
        }
        if (durations.Count < 2)
        {
            return new RoomLiveStats(0, durations.Count == 1 ? durations[0] : 0, durations.Count == 1 ? durations[0] : 0, 0);
        }
        durations.Sort();
        // Ticks between the oldest and now, over the time they span: the actual rate, whatever the setting says.
        var seconds = Math.Max((now - oldest) / (double)Stopwatch.Frequency, 1e-3);
        return new RoomLiveStats(
            Math.Round((durations.Count - 1) / seconds, 2),
            Math.Round(Percentile(durations, 0.50), 4),
            Math.Round(Percentile(durations, 0.99), 4),
            Math.Round(bytes / seconds, 1));
    }

    private static double Percentile(List<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(q * sorted.Count) - 1)];
}
