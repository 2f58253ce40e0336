namespace GameServer.LoadTest.Results;

/// <summary>
/// A --churn soak: how the players came and went, the server's resources sampled over the whole run, and how they grew
/// over the measurement window. Null in results of runs without --churn.
/// </summary>
public sealed record SoakSummary
{
    public required double MatchMinSeconds { get; init; }

    public required double MatchMaxSeconds { get; init; }

    /// <summary>Share of departures that were drops (then resumes) rather than leaves.</summary>
    public required double DropShare { get; init; }

    public required double SampleEverySeconds { get; init; }

    /// <summary>The processes sampled, e.g. "pid 4242 (http://127.0.0.1:5000/metrics)"; their figures are added up.</summary>
    public required IReadOnlyList<string> Processes { get; init; }

    /// <summary>Players that left; each was replaced by a new one that matchmade afresh.</summary>
    public required long Leaves { get; init; }

    /// <summary>Connections dropped on purpose (no close frame); the players resumed their seats.</summary>
    public required long Drops { get; init; }

    /// <summary>Replacements whose join failed (errors too).</summary>
    public required long ReplacementsFailed { get; init; }

    /// <summary>One sample per --sample-every over the whole run, and a last one once the rooms closed after the players left.</summary>
    public required IReadOnlyList<ResourceSample> Samples { get; init; }

    /// <summary>Median of the window's last fifth of samples against its first fifth.</summary>
    public required GrowthFigure RssMb { get; init; }

    public required GrowthFigure GcHeapMb { get; init; }

    public required GrowthFigure OpenHandles { get; init; }

    public required GrowthFigure Threads { get; init; }

    /// <summary>Room grains still active (or, without activation metrics, rooms the server counts open) once every player left and the wait ended.</summary>
    public double? RoomsOpenAfterPlayersLeft { get; init; }

    /// <summary>Seconds from the last player leaving until no room was open; null when they did not all close in time.</summary>
    public double? RoomsClosedAfterSeconds { get; init; }

    /// <summary>Grain activations other than rooms when the window opened, and at the end: these must not grow with churn.</summary>
    public GrowthFigure? OtherActivations { get; init; }
}

/// <summary>
/// The server's resources at one moment, added up over the sampled processes; null where no process gave the figure.
/// </summary>
/// <param name="Second">Seconds since the run started.</param>
/// <param name="Phase">ramp, warmup, measure, or closed (after every player left).</param>
/// <param name="RssMb">Resident memory (VmRSS).</param>
/// <param name="GcHeapMb">Managed heap after the last collection, all generations (dotnet.gc.last_collection.heap.size).</param>
/// <param name="Gen2Collections">Gen2 collections since the process started.</param>
/// <param name="Threads">OS threads.</param>
/// <param name="OpenHandles">Open file descriptors (sockets, files, pipes, epoll, timers).</param>
/// <param name="Activations">Grain activations, Orleans' own system targets left out.</param>
/// <param name="RoomActivations">Room grain activations.</param>
/// <param name="RoomsOpen">Rooms the server counts open (gameserver.rooms.active).</param>
/// <param name="LiveRooms">Rooms with a seated player, as the players see it.</param>
/// <param name="PlayersInRoom">Players seated and connected.</param>
public sealed record ResourceSample(
    double Second,
    string Phase,
    double? RssMb,
    double? GcHeapMb,
    double? Gen2Collections,
    int? Threads,
    int? OpenHandles,
    double? Activations,
    double? RoomActivations,
    double? RoomsOpen,
    int LiveRooms,
    int PlayersInRoom);

/// <summary>A figure early and late in the window, and the change in % of the early one (null without samples).</summary>
public sealed record GrowthFigure(double? First, double? Last, double? Percent);
