using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// What the bots share about failures: each resumed drop's outage, each room restore (once per room, however many of
/// its players saw it), and the per-second counts of players reconnecting and stalled. Failures are rare, so one lock.
/// </summary>
internal sealed class RecoveryLog
{
    /// <summary>Restores kept for the result; a flapping cluster must not grow the file without bound.</summary>
    public const int MaxRestores = 100;

    private readonly object _gate = new();
    private readonly List<double> _outagesMs = [];
    private readonly List<RoomRestore> _restores = [];
    private readonly List<RecoveryBucket> _timeline = [];

    /// <summary>A drop ended with the seat back after <paramref name="outage"/> (drop to resumed Welcome).</summary>
    public void Outage(TimeSpan outage)
    {
        lock (_gate)
        {
            _outagesMs.Add(Math.Round(outage.TotalMilliseconds, 3));
        }
    }

    /// <summary>
    /// A player saw its room restored. The room's other players see the same restore, though not always from the same
    /// ticks (one missed the last snapshot before, another the first after): a report whose ticks overlap an earlier
    /// one of the same room is that restore, and the widest of them is kept.
    /// </summary>
    public void RoomRestored(string roomId, long lastTickBefore, long firstTickAfter, int tickRateHz)
    {
        var restore = RoomRestore.From(roomId, lastTickBefore, firstTickAfter, tickRateHz);
        lock (_gate)
        {
            var same = _restores.FindIndex(r => r.RoomId == roomId
                && r.FirstTickAfter <= lastTickBefore && firstTickAfter <= r.LastTickBefore);
            if (same >= 0)
            {
                if (restore.TicksReplayed > _restores[same].TicksReplayed)
                {
                    _restores[same] = restore;
                }
            }
            else if (_restores.Count < MaxRestores)
            {
                _restores.Add(restore);
            }
        }
    }

    public void AddSecond(int second, int reconnecting, int stalled)
    {
        lock (_gate)
        {
            _timeline.Add(new RecoveryBucket(second, reconnecting, stalled));
        }
    }

    public IReadOnlyList<double> OutagesMs()
    {
        lock (_gate)
        {
            return [.. _outagesMs];
        }
    }

    public IReadOnlyList<RoomRestore> Restores()
    {
        lock (_gate)
        {
            return [.. _restores];
        }
    }

    public IReadOnlyList<RecoveryBucket> Timeline()
    {
        lock (_gate)
        {
            return [.. _timeline];
        }
    }
}
