using GameServer.LoadTest.Results;
using GameServer.LoadTest.Run;

namespace GameServer.LoadTest.Output;

/// <summary>
/// What the progress display shows after each second. <paramref name="Reconnecting"/> and <paramref name="Stalled"/>
/// count players reconnecting, and players without a snapshot for over 1 s, at any moment of the second.
/// </summary>
internal sealed record ProgressFrame(
    TimelineBucket Bucket,
    RunPhase Phase,
    TimeSpan Elapsed,
    TimeSpan TimeLeft,
    int TargetPlayers,
    int JoinedPlayers,
    long TotalErrors,
    IReadOnlyList<string> NewErrorMessages,
    int Reconnecting = 0,
    int Stalled = 0);
