using System.Runtime.ExceptionServices;

namespace GameServer.Client;

/// <summary>
/// Holds a <see cref="GameClient"/>'s events until the game loop calls <see cref="Drain"/> (Unity's APIs are
/// main-thread only). Undrained snapshots are capped: when the game stops draining (paused, loading a scene) the oldest
/// snapshot events go first, because only the newest state matters; every other event is kept.
/// </summary>
internal sealed class EventQueue
{
    private readonly object _gate = new();
    private readonly int _maxSnapshots;
    private List<Pending> _events = new();
    private List<Pending> _raising = new();
    private int _queuedSnapshots;
    private long _snapshotsDropped;
    private bool _draining;
    private TimeSpan _raisingReceivedAt;

    public EventQueue(int maxSnapshots)
    {
        _maxSnapshots = maxSnapshots;
    }

    public long SnapshotsDropped => Interlocked.Read(ref _snapshotsDropped);

    /// <summary>True while <see cref="Drain"/> raises events on the calling thread.</summary>
    public bool IsDraining => Volatile.Read(ref _draining);

    /// <summary>When the frame behind the event being raised arrived (valid while <see cref="IsDraining"/>).</summary>
    public TimeSpan RaisingReceivedAt => _raisingReceivedAt;

    public void Post(Action raise, TimeSpan receivedAt)
    {
        lock (_gate)
        {
            _events.Add(new Pending(raise, receivedAt, isSnapshot: false));
        }
    }

    public void PostSnapshot(Action raise, TimeSpan receivedAt)
    {
        lock (_gate)
        {
            if (_queuedSnapshots >= _maxSnapshots)
            {
                var oldest = _events.FindIndex(e => e.IsSnapshot);
                if (oldest >= 0)
                {
                    _events.RemoveAt(oldest);
                    _queuedSnapshots--;
                    _snapshotsDropped++;
                }
            }
            _queuedSnapshots++;
            _events.Add(new Pending(raise, receivedAt, isSnapshot: true));
        }
    }

    /// <summary>
    /// Raises every queued event in order on the calling thread; returns how many. A handler that throws does not stop
    /// the others: the first exception is rethrown after the last event. A call from inside a handler raises nothing.
    /// </summary>
    public int Drain()
    {
        List<Pending> batch;
        lock (_gate)
        {
            if (_draining || _events.Count == 0)
            {
                return 0;
            }
            _draining = true;
            batch = _events;
            _events = _raising;
            _raising = batch;
            _queuedSnapshots = 0;
        }
        ExceptionDispatchInfo? failure = null;
        try
        {
            foreach (var pending in batch)
            {
                _raisingReceivedAt = pending.ReceivedAt;
                try
                {
                    pending.Raise();
                }
                catch (Exception ex)
                {
                    failure ??= ExceptionDispatchInfo.Capture(ex);
                }
            }
            return batch.Count;
        }
        finally
        {
            batch.Clear();
            lock (_gate)
            {
                _draining = false;
            }
            failure?.Throw();
        }
    }

    private readonly struct Pending
    {
        public Pending(Action raise, TimeSpan receivedAt, bool isSnapshot)
        {
            Raise = raise;
            ReceivedAt = receivedAt;
            IsSnapshot = isSnapshot;
        }

        public Action Raise { get; }

        public TimeSpan ReceivedAt { get; }

        public bool IsSnapshot { get; }
    }
}
