namespace GameServer.LoadTest.Run;

/// <summary>The phase labels the result file uses ("ramp", "warmup", "measure").</summary>
internal static class RunPhaseNames
{
    public static string Label(this RunPhase phase) => phase switch
    {
        RunPhase.Ramp => "ramp",
        RunPhase.Warmup => "warmup",
        _ => "measure",
    };
}
