namespace GameServer.Edge;

/// <summary>
/// Estimates when a room's next tick starts, in this process's clock, from when its snapshots arrive. A tick's snapshot
/// arrives after the tick's boundary by the timer's lateness plus delivery time, both of which vary by milliseconds;
/// the lower envelope of (arrival − tick × interval) over the last couple of seconds cancels them out and leaves the
/// boundary (plus the smallest delay seen). Aiming input flushes at the envelope, not at the last arrival, keeps a
/// late previous tick from making the flush miss the next one.
/// Not thread-safe: the owner serializes calls.
/// </summary>
internal sealed class TickPhaseEstimator
{
    // Observations per half of the sliding window: with two halves the minimum covers the last 20–40 snapshots.
    private const int WindowHalf = 20;

    private long _interval;
    private long _currentMin = long.MaxValue;
    private long _previousMin = long.MaxValue;
    private int _inCurrent;
    private long _lastTick = -1;

    /// <param name="interval">Tick interval in <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
    public TickPhaseEstimator(long interval) => _interval = interval;

    public bool HasEstimate => _currentMin != long.MaxValue || _previousMin != long.MaxValue;

    /// <summary>The newest tick whose snapshot has arrived, or -1.</summary>
    public long LastTick => _lastTick;

    /// <summary>Tick interval in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public long Interval => _interval;

    /// <summary>Forgets what was learned: offsets measured with another interval do not apply.</summary>
    public void Reset(long interval)
    {
        _interval = interval;
        _currentMin = _previousMin = long.MaxValue;
        _inCurrent = 0;
        _lastTick = -1;
    }

    /// <summary>Records that the snapshot of <paramref name="tick"/> arrived at <paramref name="arrivedAt"/>.</summary>
    public void Observe(long tick, long arrivedAt)
    {
        if (tick > _lastTick)
        {
            _lastTick = tick;
        }
        var offset = arrivedAt - (tick * _interval);
        if (offset < _currentMin)
        {
            _currentMin = offset;
        }
        if (++_inCurrent >= WindowHalf)
        {
            _previousMin = _currentMin;
            _currentMin = long.MaxValue;
            _inCurrent = 0;
        }
    }

    /// <summary>Estimated start of <paramref name="tick"/>; only meaningful with <see cref="HasEstimate"/>.</summary>
    public long StartOf(long tick) => Math.Min(_currentMin, _previousMin) + (tick * _interval);

    /// <summary>Time from <paramref name="now"/> to the next estimated tick start, in (0, interval]; 0 without an estimate.</summary>
    public long UntilNextTick(long now)
    {
        if (!HasEstimate || _interval <= 0)
        {
            return 0;
        }
        var origin = Math.Min(_currentMin, _previousMin);
        var sinceBoundary = (now - origin) % _interval;
        if (sinceBoundary < 0)
        {
            sinceBoundary += _interval;
        }
        return _interval - sinceBoundary;
    }
}
