using System.Diagnostics;
using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// One bot's view of failures: its seat, drops and how each ended, gaps between snapshots, room restores, and the time
/// it spent in outages. Written from the bot's client events (one thread, in order) and its join; read each second by
/// the run loop. Timestamps are Stopwatch ticks passed in, so the bookkeeping is testable without a clock.
/// </summary>
internal sealed class BotRecovery
{
    /// <summary>A gap between two snapshots longer than this is a stall (e.g. a silo died and its rooms are moving).</summary>
    public static readonly long StallTicks = Stopwatch.Frequency;

    /// <summary>A player counts as in its room at the end when its last snapshot is at most this old.</summary>
    public static readonly long InRoomAtEndTicks = 2 * Stopwatch.Frequency;

    private readonly object _gate = new(); // guards _outages, read by the run loop at the end
    private readonly List<(long From, long To)> _outages = [];
    private long _seatedAt;
    private long _lastSnapshotAt;
    private long _maxGapTicks;
    private long _stallEndedAt;
    private long _reconnectEndedAt;
    private long _gapsOverStall;
    private long _drops;
    private long _reconnects;
    private long _resumes;
    private long _resumeFailures;
    private long _roomRestores;
    private long _outagesEnded;
    private long _outOfOrder;
    private volatile bool _seated;
    private volatile bool _reconnecting;
    private bool _outageHasSeat;
    private bool _outageResolved;
    private bool _dropSinceSnapshot;

    /// <summary>Holds a seat: joined, and not removed, refused a resume, or closed for good.</summary>
    public bool IsSeated => _seated;

    /// <summary>Between a drop and its end (resumed, refused, reconnected, or given up).</summary>
    public bool IsReconnecting => _reconnecting;

    /// <summary>Drops that have ended (resumed, refused, reconnected, or given up): a drop under way has not ended yet.</summary>
    public long OutagesEnded => Interlocked.Read(ref _outagesEnded);

    /// <summary>
    /// Inputs sent before this moment and acked after it are not timed: an outage (drop, stall over
    /// <see cref="StallTicks"/>, room restore) ended at it, and their wait was the outage, not the server's latency.
    /// Read and written on the client's event thread only.
    /// </summary>
    public long LatencyFence { get; private set; }

    public void Seat(long now)
    {
        Volatile.Write(ref _seatedAt, now);
        _seated = true;
    }

    /// <summary>The seat is gone: the server removed the player, or the tool closed it.</summary>
    public void Unseat() => _seated = false;

    public void Snapshot(long now)
    {
        var last = LastHeard;
        if (last != 0 && now > last)
        {
            var gap = now - last;
            if (gap > Volatile.Read(ref _maxGapTicks))
            {
                Volatile.Write(ref _maxGapTicks, gap);
            }
            var stalled = gap > StallTicks;
            if (stalled)
            {
                Interlocked.Increment(ref _gapsOverStall);
                Volatile.Write(ref _stallEndedAt, now);
                LatencyFence = now;
            }
            if (stalled || _dropSinceSnapshot)
            {
                lock (_gate)
                {
                    _outages.Add((last, now));
                }
            }
        }
        _dropSinceSnapshot = false;
        Volatile.Write(ref _lastSnapshotAt, now);
    }

    /// <summary>The connection dropped and the client starts reconnecting (its first attempt).</summary>
    /// <param name="hasSeat">The client was in a room, so it will try to resume: only such drops are counted.</param>
    public void Drop(bool hasSeat)
    {
        _outageHasSeat = hasSeat;
        _outageResolved = false;
        _dropSinceSnapshot = true;
        _reconnecting = true;
        if (hasSeat)
        {
            Interlocked.Increment(ref _drops);
        }
    }

    public void Resumed(long now)
    {
        if (_outageHasSeat)
        {
            Interlocked.Increment(ref _resumes);
        }
        _outageResolved = true;
        EndReconnecting(now);
    }

    public void ResumeFailed(long now)
    {
        if (_outageHasSeat)
        {
            Interlocked.Increment(ref _resumeFailures);
        }
        _outageResolved = true;
        _seated = false;
        EndReconnecting(now);
    }

    /// <summary>
    /// The connection is back. True when the drop had a seat that was neither resumed nor refused: the server seated
    /// the player afresh (a new entity), which counts as a failed resume.
    /// </summary>
    public bool Reconnected(long now)
    {
        var reseated = _outageHasSeat && !_outageResolved;
        if (_outageHasSeat)
        {
            Interlocked.Increment(ref _reconnects);
        }
        if (reseated)
        {
            Interlocked.Increment(ref _resumeFailures);
        }
        _outageHasSeat = false;
        EndReconnecting(now);
        return reseated;
    }

    /// <summary>The client closed for good (it gave up reconnecting, or the tool closed it): the seat is gone.</summary>
    public void Closed(long now)
    {
        _seated = false;
        if (_reconnecting)
        {
            EndReconnecting(now);
        }
    }

    /// <summary>
    /// True when a snapshot arriving at <paramref name="now"/> comes after a pause: the player dropped since its last
    /// snapshot, or that snapshot is at least <paramref name="pauseTicks"/> old. A room restored from its checkpoint
    /// comes back after one (its silo died and the room moved); a snapshot that is merely late does not.
    /// </summary>
    public bool ComesAfterAPause(long now, long pauseTicks) =>
        _dropSinceSnapshot || (LastHeard is var last and not 0 && now - last >= pauseTicks);

    /// <summary>A restore, confirmed (see <see cref="Bot"/>): inputs sent before it are not timed.</summary>
    public void RoomRestored(long now)
    {
        Interlocked.Increment(ref _roomRestores);
        LatencyFence = now;
    }

    /// <summary>
    /// A tick went back with no pause before it: maybe a restore, maybe a late snapshot, which the next snapshot
    /// tells. Fences latency now (the restored room's first snapshot may already ack inputs sent while it was down)
    /// and returns the fence to put back if it was only late.
    /// </summary>
    public long FenceProvisionally(long now)
    {
        var previous = LatencyFence;
        LatencyFence = now;
        return previous;
    }

    /// <summary>A snapshot came with a tick below the last one, and the next was past it again: late, not a restore.</summary>
    /// <param name="provisionalAt">The time given to <see cref="FenceProvisionally"/>.</param>
    /// <param name="previousFence">What it returned: put back, as a late snapshot ends no outage, unless an outage has moved the fence since.</param>
    public void SnapshotOutOfOrder(long provisionalAt, long previousFence)
    {
        SnapshotRepeated();
        if (LatencyFence == provisionalAt)
        {
            LatencyFence = previousFence;
        }
    }

    /// <summary>A snapshot repeated the last tick seen (counted with the late ones).</summary>
    public void SnapshotRepeated() => Interlocked.Increment(ref _outOfOrder);

    /// <summary>The connection dropped since the last snapshot (the next one is the first after the drop).</summary>
    public bool DroppedSinceSnapshot => _dropSinceSnapshot;

    /// <summary>Reconnecting at any moment in [<paramref name="since"/>, now].</summary>
    public bool ReconnectingSince(long since) =>
        _reconnecting || (Volatile.Read(ref _reconnectEndedAt) is var ended and not 0 && ended >= since);

    /// <summary>Seated with no snapshot for over <see cref="StallTicks"/> at any moment in [<paramref name="since"/>, <paramref name="now"/>].</summary>
    public bool StalledSince(long since, long now) =>
        (_seated && LastHeard is var last and not 0 && now - last > StallTicks)
        || (Volatile.Read(ref _stallEndedAt) is var ended and not 0 && ended >= since);

    /// <summary>
    /// The figures at the end of the run, <paramref name="now"/>. A gap still open counts (a room that never came back
    /// is the worst gap of all), and an outage still open is recorded for <see cref="OutageTicksWithin"/>.
    /// </summary>
    public BotRecoveryTotals Finish(long now)
    {
        var maxGap = Volatile.Read(ref _maxGapTicks);
        var gapsOver = Interlocked.Read(ref _gapsOverStall);
        var last = LastHeard;
        var inRoomAtEnd = false;
        if (_seated && last != 0)
        {
            // A snapshot may land on its receive thread just after the caller read the clock: then nothing is open.
            var open = Math.Max(0, now - last);
            maxGap = Math.Max(maxGap, open);
            if (open > StallTicks)
            {
                gapsOver++;
            }
            if (open > StallTicks || _reconnecting)
            {
                lock (_gate)
                {
                    _outages.Add((last, now));
                }
            }
            inRoomAtEnd = !_reconnecting && Volatile.Read(ref _lastSnapshotAt) != 0 && open <= InRoomAtEndTicks;
        }
        return new BotRecoveryTotals(
            Interlocked.Read(ref _drops),
            Interlocked.Read(ref _reconnects),
            Interlocked.Read(ref _resumes),
            Interlocked.Read(ref _resumeFailures),
            Interlocked.Read(ref _roomRestores),
            Math.Round(Clock.Microseconds(maxGap) / 1000.0, 3),
            gapsOver,
            inRoomAtEnd,
            Interlocked.Read(ref _outOfOrder));
    }

    /// <summary>Time in [<paramref name="from"/>, <paramref name="to"/>) spent in outages: reconnecting, or a snapshot gap over <see cref="StallTicks"/>.</summary>
    public long OutageTicksWithin(long from, long to)
    {
        long total = 0;
        lock (_gate)
        {
            foreach (var (start, end) in _outages)
            {
                total += Math.Max(0, Math.Min(end, to) - Math.Max(start, from));
            }
        }
        return total;
    }

    /// <summary>The last snapshot, or the welcome before the first one; 0 before either.</summary>
    private long LastHeard => Math.Max(Volatile.Read(ref _lastSnapshotAt), Volatile.Read(ref _seatedAt));

    private void EndReconnecting(long now)
    {
        LatencyFence = now;
        Volatile.Write(ref _reconnectEndedAt, now);
        _reconnecting = false;
        Interlocked.Increment(ref _outagesEnded);
    }
}
