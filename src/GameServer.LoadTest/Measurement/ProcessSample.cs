namespace GameServer.LoadTest.Measurement;

/// <summary>
/// A process's CPU time so far and its resident memory at one moment (<see cref="At"/> in Stopwatch ticks), and, when the
/// sampler counts them, its context switches since the sampler's first read (all threads; null when not counted).
/// </summary>
internal readonly record struct ProcessSample(long At, double CpuSeconds, double RssMb, ContextSwitches? ContextSwitches = null)
{
    /// <summary>CPU used between <paramref name="earlier"/> and this sample, as % of one core.</summary>
    public double CpuPercentSince(ProcessSample earlier)
    {
        var wall = Clock.Seconds(At - earlier.At);
        return wall <= 0 ? 0 : Math.Round(Math.Max(0, CpuSeconds - earlier.CpuSeconds) / wall * 100, 1);
    }

    /// <summary>Context switches per second between <paramref name="earlier"/> and this sample; null when either did not count them.</summary>
    public (double Voluntary, double Nonvoluntary)? ContextSwitchesPerSecondSince(ProcessSample earlier)
    {
        var wall = Clock.Seconds(At - earlier.At);
        if (wall <= 0 || ContextSwitches is not { } now || earlier.ContextSwitches is not { } then)
        {
            return null;
        }
        var delta = now - then;
        return (Math.Max(0, delta.Voluntary) / wall, Math.Max(0, delta.Nonvoluntary) / wall);
    }
}
