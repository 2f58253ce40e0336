using GameServer.LoadTest.Results;
using GameServer.LoadTest.Run;

namespace GameServer.LoadTest.Output;

/// <summary>What the progress display shows after each second.</summary>
internal sealed record ProgressFrame(
    TimelineBucket Bucket,
    RunPhase Phase,
    TimeSpan Elapsed,
    TimeSpan TimeLeft,
    int TargetPlayers,
    int JoinedPlayers,
    long TotalErrors,
    IReadOnlyList<string> NewErrorMessages);
