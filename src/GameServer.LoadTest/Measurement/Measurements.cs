using GameServer.LoadTest.Bots;
using GameServer.LoadTest.Results;
using GameServer.LoadTest.Run;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// The run's recorders (written by the bots from receive threads), the 1 s timeline, and the measurement window's
/// totals. Buckets are closed and the window opened/closed from one thread, the run loop.
/// </summary>
internal sealed class Measurements
{
    private readonly ProcessSampler _tool;
    private readonly ProcessSampler? _server;
    private readonly List<TimelineBucket> _timeline = [];
    private readonly ProcessSample _runStartTool;
    private readonly ProcessSample? _runStartServer;
    private FleetTotals _last;
    private long _lastErrors;
    private ProcessSample _lastTool;
    private ProcessSample? _lastServer;
    private Window? _window;
    private long _playersLeftByRoomEnd;

    public Measurements(ProcessSampler tool, ProcessSampler? server)
    {
        _tool = tool;
        _server = server;
        _lastTool = tool.Read();
        _lastServer = server?.Read();
        StartedAt = _lastTool.At;
        _runStartTool = _lastTool;
        _runStartServer = _lastServer;
    }

    /// <summary>Input→ack, µs.</summary>
    public MicrosecondRecorder Latency { get; } = new();

    /// <summary>Time between consecutive snapshots at one player, µs.</summary>
    public MicrosecondRecorder SnapshotInterval { get; } = new();

    public MicrosecondRecorder ConnectTimes { get; } = new();

    public MicrosecondRecorder JoinTimes { get; } = new();

    public ErrorLog Errors { get; } = new();

    /// <summary>Outages, room restores and the per-second reconnecting/stalled counts.</summary>
    public RecoveryLog Recovery { get; } = new();

    /// <summary>Connections, drops and reconnects per edge.</summary>
    public EdgeLog Edges { get; } = new();

    public long StartedAt { get; }

    /// <summary>A player's room was ended by its game (Left "room-ended"): not an error. Called from receive threads.</summary>
    public void RoomEnded() => Interlocked.Increment(ref _playersLeftByRoomEnd);

    public IReadOnlyList<TimelineBucket> Timeline => _timeline;

    public int MeasuredSeconds => _window?.Buckets ?? 0;

    /// <summary>Ends the current second: its figures go to the timeline and, in the measure phase, to the window.</summary>
    public TimelineBucket CloseBucket(int second, RunPhase phase, FleetTotals totals)
    {
        var tool = _tool.Read();
        var server = _server?.Read();
        var seconds = Math.Max(1e-3, Clock.Seconds(tool.At - _lastTool.At));
        var latency = Latency.TakeInterval();
        var intervals = SnapshotInterval.TakeInterval();
        var errors = Errors.Total;
        // Players who were in a room at either end of the second: joins and drops inside it do not inflate the rate.
        var players = Math.Max(1, Math.Max(totals.InRoom, _last.InRoom));
        var bucket = new TimelineBucket
        {
            Second = second,
            Phase = phase.Label(),
            ConnectedPlayers = totals.InRoom,
            InputsSent = totals.InputsSent - _last.InputsSent,
            Acks = latency.TotalCount,
            LatencyP50Ms = latency.TotalCount == 0 ? null : HistogramMath.Percentile(latency, 50),
            LatencyP99Ms = latency.TotalCount == 0 ? null : HistogramMath.Percentile(latency, 99),
            LatencyMaxMs = latency.TotalCount == 0 ? null : HistogramMath.Percentile(latency, 100),
            SnapshotsPerSecondPerPlayer = Math.Round((totals.Snapshots - _last.Snapshots) / seconds / players, 2),
            BytesPerSecondPerPlayer = Math.Round((totals.WireBytes - _last.WireBytes) / seconds / players, 1),
            GameEventsPerSecond = Math.Round((totals.GameEvents - _last.GameEvents) / seconds, 2),
            Errors = errors - _lastErrors,
            ToolCpuPercent = tool.CpuPercentSince(_lastTool),
            ServerCpuPercent = server is { } s && _lastServer is { } ls ? s.CpuPercentSince(ls) : null,
        };
        if (phase == RunPhase.Measure && _window is { } window)
        {
            Latency.AddToWindow(latency);
            SnapshotInterval.AddToWindow(intervals);
            window.Buckets++;
            window.PlayerSeconds += (totals.InRoom + _last.InRoom) / 2.0 * seconds;
            window.EndTotals = totals;
            window.EndTool = tool;
            window.EndServer = server;
        }
        _timeline.Add(bucket);
        _last = totals;
        _lastErrors = errors;
        _lastTool = tool;
        _lastServer = server;
        return bucket;
    }

    /// <summary>Opens the measurement window at the end of the bucket just closed.</summary>
    public void BeginWindow(FleetTotals totals) =>
        _window = new Window(totals, _lastTool, _lastServer) { EndTotals = totals, EndTool = _lastTool, EndServer = _lastServer };

    /// <param name="outagePlayerSeconds">
    /// Outage time of the window's players between two Stopwatch timestamps, in player-seconds: left out of the
    /// snapshot rate that the SLO judges, so a recovered failure is judged by the recovery figures instead.
    /// </param>
    /// <param name="averagePlayers">
    /// Divide by the players seated on average over the window rather than at its start: with --churn the number in a
    /// room moves all the time.
    /// </param>
    public RunSummary Summary(int playersTarget, int playersAcked, int roomsJoined, FleetTotals final, Func<long, long, double> outagePlayerSeconds,
        bool averagePlayers = false)
    {
        var window = _window;
        var start = window?.StartTotals ?? default;
        var end = window?.EndTotals ?? start;
        var seconds = window is null ? 0 : Clock.Seconds(window.EndTool.At - window.StartTool.At);
        double players = window?.StartTotals.InRoom ?? 0;
        if (averagePlayers && window is not null && seconds > 0)
        {
            players = window.PlayerSeconds / seconds;
        }
        var perPlayerSecond = seconds > 0 && players > 0 ? 1.0 / (seconds * players) : 0;
        var outage = window is null ? 0 : outagePlayerSeconds(window.StartTool.At, window.EndTool.At);
        var availablePlayerSeconds = (seconds * players) - outage;
        var excludingOutages = availablePlayerSeconds > 0 ? (end.Snapshots - start.Snapshots) / availablePlayerSeconds : 0;
        return new RunSummary
        {
            PlayersTarget = playersTarget,
            PlayersJoined = final.Joined,
            PlayersAcked = playersAcked,
            RoomsJoined = roomsJoined,
            InputsSent = end.InputsSent - start.InputsSent,
            InputsAcked = Latency.Window.TotalCount,
            InputToAckMs = HistogramMath.Stats(Latency.Window),
            SnapshotIntervalMs = HistogramMath.Stats(SnapshotInterval.Window),
            SnapshotJitterMs = Math.Round(HistogramMath.StdDevMs(SnapshotInterval.Window), 3),
            SnapshotsPerSecondPerPlayer = Math.Round((end.Snapshots - start.Snapshots) * perPlayerSecond, 3),
            SnapshotsPerSecondPerPlayerExcludingOutages = Math.Round(outage > 0 ? excludingOutages : (end.Snapshots - start.Snapshots) * perPlayerSecond, 3),
            BytesPerSecondPerPlayer = Math.Round((end.WireBytes - start.WireBytes) * perPlayerSecond, 1),
            // The two counters are read a moment apart, so clamp: a delta counted just before its snapshot cannot push it over 1.
            DeltaShare = end.Snapshots > start.Snapshots ? Math.Round(Math.Clamp((double)(end.Deltas - start.Deltas) / (end.Snapshots - start.Snapshots), 0, 1), 4) : 0,
            KeyframeRequests = final.KeyframeRequests,
            GameEventsReceived = end.GameEvents - start.GameEvents,
            GameEventsPerSecond = seconds > 0 ? Math.Round((end.GameEvents - start.GameEvents) / seconds, 2) : 0,
            PlayersLeftByRoomEnd = Interlocked.Read(ref _playersLeftByRoomEnd),
            ConnectMs = HistogramMath.Stats(ConnectTimes.TakeInterval()),
            JoinMs = HistogramMath.Stats(JoinTimes.TakeInterval()),
            ErrorRate = playersTarget == 0 ? 0 : Math.Round((double)final.Errored / playersTarget, 4),
            MeasuredSeconds = Math.Round(seconds, 3),
        };
    }

    public IReadOnlyList<HistogramBin> LatencyBins() => HistogramMath.Bins(Latency.Window);

    /// <summary>The tool's CPU over the window (the whole run when no window was measured) and its memory at the end.</summary>
    public ProcessUsage ToolUsage() => _window is { } w
        ? Usage(_tool.Pid, w.StartTool, w.EndTool)
        : Usage(_tool.Pid, _runStartTool, _lastTool);

    /// <summary>
    /// The server's CPU and context switches over the window (the whole run when no window was measured), its memory at
    /// the end, and <paramref name="gcCollections"/> as read from its /metrics; null when the server was not sampled.
    /// </summary>
    public ServerUsage? ServerUsage(GcCollectionRates? gcCollections)
    {
        if (_server is null)
        {
            return null;
        }
        var (start, end, players) = _window is { StartServer: { } s, EndServer: { } e } w
            ? (s, e, w.StartTotals.InRoom)
            : (_runStartServer ?? default, _lastServer ?? default, 0);
        var usage = new ServerUsage(_server.Pid, end.CpuPercentSince(start), end.RssMb) { GcCollectionsPerSecond = gcCollections };
        if (end.ContextSwitchesPerSecondSince(start) is not { } rates)
        {
            return usage;
        }
        var (voluntary, nonvoluntary) = rates;
        var total = voluntary + nonvoluntary;
        return usage with
        {
            ContextSwitchesPerSecond = Math.Round(total, 1),
            VoluntaryContextSwitchesPerSecond = Math.Round(voluntary, 1),
            NonvoluntaryContextSwitchesPerSecond = Math.Round(nonvoluntary, 1),
            ContextSwitchesPerSecondPerPlayer = players > 0 ? Math.Round(total / players, 2) : null,
        };
    }

    private static ProcessUsage Usage(int pid, ProcessSample start, ProcessSample end) =>
        new(pid, end.CpuPercentSince(start), end.RssMb);

    /// <summary>What the window needs to remember: where it started and the last bucket it covers.</summary>
    private sealed class Window(FleetTotals startTotals, ProcessSample startTool, ProcessSample? startServer)
    {
        public FleetTotals StartTotals { get; } = startTotals;
        public ProcessSample StartTool { get; } = startTool;
        public ProcessSample? StartServer { get; } = startServer;
        public int Buckets { get; set; }

        /// <summary>Players seated, integrated over the window's buckets (each bucket: the mean of its two ends).</summary>
        public double PlayerSeconds { get; set; }
        public FleetTotals EndTotals { get; set; }
        public ProcessSample EndTool { get; set; }
        public ProcessSample? EndServer { get; set; }
    }
}
