namespace GameServer.LoadTest.Measurement;

/// <summary>
/// Context switch counts as the kernel keeps them per thread: <see cref="Voluntary"/> when a thread gave up the CPU
/// (it blocked or waited), <see cref="Nonvoluntary"/> when the scheduler took the CPU away (its time slice ran out, or
/// another thread needed the core).
/// </summary>
internal readonly record struct ContextSwitches(long Voluntary, long Nonvoluntary)
{
    public long Total => Voluntary + Nonvoluntary;

    public static ContextSwitches operator +(ContextSwitches a, ContextSwitches b) =>
        new(a.Voluntary + b.Voluntary, a.Nonvoluntary + b.Nonvoluntary);

    public static ContextSwitches operator -(ContextSwitches a, ContextSwitches b) =>
        new(a.Voluntary - b.Voluntary, a.Nonvoluntary - b.Nonvoluntary);
}
