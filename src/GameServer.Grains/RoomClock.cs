using System.Diagnostics;
using GameServer.Simulation;

namespace GameServer.Grains;

/// <summary>
/// A room's tick loop, in <see cref="Stopwatch"/> timestamps: how many fixed steps each timer callback runs, when to aim
/// the next callback, how late this one was, when a snapshot is due, and the server time snapshots carry. Plain code:
/// the grain's timer feeds it the callback times.
/// </summary>
internal sealed class RoomClock
{
    // The timer is re-armed for the next step boundary; never for "now", which would spin a turn that runs no step.
    private static readonly TimeSpan s_minTimerDue = TimeSpan.FromMilliseconds(1);

    private readonly FixedStepAccumulator _accumulator;
    private readonly long _startedAt;
    private readonly long _serverTimeOffsetMs;
    private long _lastTickAt;
    private long _tickDueAt;
    private long _reportedSkipped;
    private long _lastSnapshotTick = -1;
    private int _phase;
    private int _phases;
    private bool _realign;

    /// <param name="startedAt">When the room's clock started (a timestamp).</param>
    /// <param name="serverTimeOffsetMs">Server time at <paramref name="startedAt"/>: a restored room carries on from its checkpoint's.</param>
    public RoomClock(TimeSpan step, int maxCatchUpSteps, long startedAt, long serverTimeOffsetMs)
    {
        _accumulator = new FixedStepAccumulator(step, maxCatchUpSteps);
        _startedAt = startedAt;
        _serverTimeOffsetMs = serverTimeOffsetMs;
    }

    /// <summary>Steps dropped since the room opened because callbacks came too late to catch up.</summary>
    public long SkippedSteps => _accumulator.SkippedSteps;

    /// <summary>
    /// A live tick-rate or catch-up change; time already accumulated is kept. A room on the shared grid moves onto the
    /// new rate's grid at its next callback.
    /// </summary>
    public void Reconfigure(TimeSpan step, int maxCatchUpSteps)
    {
        _realign |= _phases > 0 && step != _accumulator.Step;
        _accumulator.Reconfigure(step, maxCatchUpSteps);
    }

    /// <summary>
    /// The timer starts (first player, or back from idle) at <paramref name="now"/>: returns when to aim the first
    /// callback. With <paramref name="phases"/> of 0 the first step is due one step from now, at a phase of the room's
    /// own. Otherwise step boundaries fall on a grid shared by the whole process (multiples of the step since the
    /// <see cref="Stopwatch"/>'s zero) shifted by <paramref name="phase"/> / <paramref name="phases"/> of a step: rooms
    /// of one tick rate and phase tick at the same instants, so their timers (and the edge's input flushes aimed at
    /// them) fire in one wake of the process instead of one wake each.
    /// </summary>
    public TimeSpan Start(long now, int phase = 0, int phases = 0)
    {
        _phase = phase;
        _phases = phases;
        _realign = false;
        var lastBoundary = phases > 0 ? now - SinceGridBoundary(now) : now;
        _lastTickAt = lastBoundary;
        _tickDueAt = lastBoundary + ToTimestampTicks(_accumulator.Step);
        return Stopwatch.GetElapsedTime(now, _tickDueAt);
    }

    /// <summary>Timestamp ticks since the last boundary of this room's phase on the process-wide grid.</summary>
    private long SinceGridBoundary(long now)
    {
        var step = ToTimestampTicks(_accumulator.Step);
        var offset = step * (_phase % _phases) / _phases;
        return (((now - offset) % step) + step) % step;
    }

    /// <summary>
    /// A timer callback at <paramref name="now"/>: the steps to run (at most the catch-up limit; the rest are counted as
    /// skipped), how late the callback was, and when to aim the next one.
    /// </summary>
    public ClockTick Advance(long now)
    {
        var steps = _accumulator.Advance(Stopwatch.GetElapsedTime(_lastTickAt, now));
        _lastTickAt = now;
        if (_realign)
        {
            // The tick rate changed: the next boundary is the new rate's on the grid (game time shifts by under a step, once).
            _realign = false;
            _accumulator.Realign(Stopwatch.GetElapsedTime(now - SinceGridBoundary(now), now));
        }
        var lateness = _tickDueAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_tickDueAt, now);
        // Aim at the next step boundary: a fixed-period timer drifts late by its scheduling delay every time, which
        // would make every ~20th callback run two steps and skip a snapshot. Aiming at the boundary keeps one step per callback.
        var untilNextStep = _accumulator.Step - _accumulator.Pending;
        var nextDue = untilNextStep > s_minTimerDue ? untilNextStep : s_minTimerDue;
        _tickDueAt = now + ToTimestampTicks(nextDue);
        return new ClockTick(steps, lateness, nextDue);
    }

    /// <summary>Steps skipped since the last call: the metrics count each skip once.</summary>
    public long TakeSkippedSinceLastReport()
    {
        var skipped = _accumulator.SkippedSteps;
        var delta = skipped - _reportedSkipped;
        _reportedSkipped = skipped;
        return delta;
    }

    /// <summary>
    /// Whether the tick just reached needs a snapshot (every <paramref name="everyTicks"/>-th tick); a callback that ran
    /// several steps crossed the boundary if any of them did, and sends one snapshot of the latest tick.
    /// </summary>
    public bool IsSnapshotDue(long tick, int everyTicks)
    {
        if (tick / everyTicks <= _lastSnapshotTick / everyTicks)
        {
            return false;
        }
        _lastSnapshotTick = tick;
        return true;
    }

    /// <summary>The room's clock in milliseconds, as snapshots carry it; it carries on across a restore.</summary>
    public long ServerTimeMs(long now) => _serverTimeOffsetMs + (long)Stopwatch.GetElapsedTime(_startedAt, now).TotalMilliseconds;

    private static long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
