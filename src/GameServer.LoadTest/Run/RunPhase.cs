namespace GameServer.LoadTest.Run;

/// <summary>Where a run is: joining, settling, measuring.</summary>
internal enum RunPhase
{
    Ramp,
    Warmup,
    Measure,
}
