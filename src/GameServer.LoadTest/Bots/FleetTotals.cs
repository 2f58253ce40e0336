namespace GameServer.LoadTest.Bots;

/// <summary>Counters summed over all bots at one moment; differences of two give a bucket's or the window's figures.</summary>
internal readonly record struct FleetTotals(
    long InputsSent,
    long InputsAcked,
    long Snapshots,
    long WireBytes,
    int InRoom,
    int Joined,
    int Errored,
    long SkippedSends,
    long Unmeasurable,
    long Deltas,
    long KeyframeRequests,
    long GameEvents = 0);
