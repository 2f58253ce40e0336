namespace GameServer.Simulation;

/// <summary>
/// Turns irregular timer callbacks into a whole number of fixed steps. Time carries over between callbacks, so the
/// average rate is exact even when the timer drifts; a callback that is very late runs at most
/// <see cref="MaxCatchUpSteps"/> steps and counts the rest as <see cref="SkippedSteps"/> (the game slows down rather than
/// spiralling into ever longer catch-ups).
/// </summary>
public sealed class FixedStepAccumulator
{
    private TimeSpan _pending;

    public FixedStepAccumulator(TimeSpan step, int maxCatchUpSteps)
    {
        Reconfigure(step, maxCatchUpSteps);
    }

    public TimeSpan Step { get; private set; }

    public int MaxCatchUpSteps { get; private set; }

    /// <summary>Steps dropped because the callback was too late, since creation.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Time accumulated but not yet stepped (always less than one step after <see cref="Advance"/>).</summary>
    public TimeSpan Pending => _pending;

    /// <summary>Changes the step length (e.g. a live tick-rate change); pending time is kept.</summary>
    public void Reconfigure(TimeSpan step, int maxCatchUpSteps)
    {
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be positive.");
        }
        if (maxCatchUpSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCatchUpSteps), maxCatchUpSteps, "At least one step per callback.");
        }
        Step = step;
        MaxCatchUpSteps = maxCatchUpSteps;
    }

    /// <summary>
    /// Moves the step boundaries: <paramref name="pending"/> (less than a step) becomes the time since the last one, so
    /// the next step is due a step minus that from now. Game time shifts by less than one step.
    /// </summary>
    public void Realign(TimeSpan pending)
    {
        if (pending < TimeSpan.Zero || pending >= Step)
        {
            throw new ArgumentOutOfRangeException(nameof(pending), pending, "Pending time is at least zero and less than a step.");
        }
        _pending = pending;
    }

    /// <summary>Adds <paramref name="elapsed"/> wall time and returns how many steps to run now.</summary>
    public int Advance(TimeSpan elapsed)
    {
        if (elapsed > TimeSpan.Zero)
        {
            _pending += elapsed;
        }
        var due = _pending.Ticks / Step.Ticks;
        if (due == 0)
        {
            return 0;
        }
        _pending -= TimeSpan.FromTicks(due * Step.Ticks);
        if (due > MaxCatchUpSteps)
        {
            SkippedSteps += due - MaxCatchUpSteps;
            return MaxCatchUpSteps;
        }
        return (int)due;
    }
}
