namespace GameServer.LoadTest.Measurement;

/// <summary>A process's CPU time so far and its resident memory at one moment (<see cref="At"/> in Stopwatch ticks).</summary>
internal readonly record struct ProcessSample(long At, double CpuSeconds, double RssMb)
{
    /// <summary>CPU used between <paramref name="earlier"/> and this sample, as % of one core.</summary>
    public double CpuPercentSince(ProcessSample earlier)
    {
        var wall = Clock.Seconds(At - earlier.At);
        return wall <= 0 ? 0 : Math.Round(Math.Max(0, CpuSeconds - earlier.CpuSeconds) / wall * 100, 1);
    }
}
