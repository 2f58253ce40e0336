namespace GameServer.LoadTest.Results;

/// <summary>
/// Everything one load-test run measured: written as the JSON result file (schema described in docs/load-testing.md)
/// and rendered as the HTML report. Durations are milliseconds, rates are per second, offsets are seconds from start.
/// </summary>
public sealed record LoadTestResult
{
    /// <summary>Identifies this file format; bump the number when a field changes meaning or is removed.</summary>
    public const string CurrentSchema = "gameserver-loadtest/1";

    public string Schema { get; init; } = CurrentSchema;

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Wall time of the whole run: ramp, warm-up and measurement.</summary>
    public required double ElapsedSeconds { get; init; }

    public required RunSettings Settings { get; init; }

    /// <summary>True when the run was stopped early (Ctrl+C / SIGTERM): the figures cover only what was measured.</summary>
    public bool Interrupted { get; init; }

    public required SloVerdict Slo { get; init; }

    /// <summary>Figures over the measurement window only (after ramp and warm-up).</summary>
    public required RunSummary Summary { get; init; }

    /// <summary>One bucket per second of the whole run, ramp and warm-up included.</summary>
    public required IReadOnlyList<TimelineBucket> Timeline { get; init; }

    /// <summary>Input→ack latency distribution over the measurement window; empty bins left out.</summary>
    public required IReadOnlyList<HistogramBin> LatencyHistogram { get; init; }

    public required ErrorSummary Errors { get; init; }

    /// <summary>The load tool's own process, so a reader can tell whether the bots were the bottleneck.</summary>
    public required ProcessUsage Tool { get; init; }

    /// <summary>The server process, when its PID is known (--spawn-server or --server-pid); otherwise null.</summary>
    public ServerUsage? Server { get; init; }

    /// <summary>
    /// How the players came through failures (drops, stalls, room restores) over the whole run. Null in results written
    /// before the tool measured recovery.
    /// </summary>
    public RecoverySummary? Recovery { get; init; }

    /// <summary>
    /// Per edge (each --url, in order): players that first connected there, drops from it, reconnects that landed on it,
    /// and players seated through it at the end. Null in results written before the tool counted per edge.
    /// </summary>
    public IReadOnlyList<EdgeSummary>? Edges { get; init; }

    /// <summary>A --churn soak's players coming and going and the server's resources over time; null without --churn.</summary>
    public SoakSummary? Soak { get; init; }
}

/// <summary>One edge's share of the players (see <see cref="LoadTestResult.Edges"/>).</summary>
/// <param name="Url">The edge's address, without the query (tokens never appear).</param>
/// <param name="PlayersConnected">Players whose first connection this edge answered.</param>
/// <param name="Drops">Seated players' connections to this edge that dropped.</param>
/// <param name="ReconnectsIn">Reconnects this edge answered (from a drop here or on another edge).</param>
/// <param name="PlayersAtEnd">Players in a room through this edge when the run ended.</param>
public sealed record EdgeSummary(string Url, long PlayersConnected, long Drops, long ReconnectsIn, int PlayersAtEnd);

/// <summary>What was asked for.</summary>
public sealed record RunSettings
{
    /// <summary>The first WebSocket endpoint (the only one unless several --url were given).</summary>
    public required string Url { get; init; }

    /// <summary>Every WebSocket endpoint, in --url order; bot i starts at endpoint i mod n. Empty in results written before the option took several.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];

    public required string RoomType { get; init; }

    /// <summary>--game: "arena" or "tag". Null in results written before the option.</summary>
    public string? Game { get; init; }

    /// <summary>--deltas: true (on) when the bots offered delta snapshots (gameserver.v2). Null in results written before the option.</summary>
    public bool? DeltaSnapshots { get; init; }

    /// <summary>--transport: "websocket", "sse" or "longpolling", how the bots reached the server. Null in results written before the option (WebSocket).</summary>
    public string? Transport { get; init; }

    public required int Rooms { get; init; }
    public required int PlayersPerRoom { get; init; }
    public required double InputRateHz { get; init; }
    public required double RampSeconds { get; init; }
    public required double WarmupSeconds { get; init; }

    /// <summary>Length of the measurement window.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Players per room that decode the full game state; the others read only the header and their ack.</summary>
    public required int ObserversPerRoom { get; init; }

    public required int Seed { get; init; }
    public required int MachineCores { get; init; }
    public required bool SpawnedServer { get; init; }
    public string? ServerCpus { get; init; }
    public string? BotCpus { get; init; }

    /// <summary>
    /// Where the bots' player tokens came from: "spawned-key" (a fresh key given to the spawned server), "token-key"
    /// (signed with --token-key / GAMESERVER_TOKEN_KEY) or "dev-endpoint" (the server's /auth/dev-token). Never the key
    /// itself. Null in results written before the server required tokens.
    /// </summary>
    public string? TokenSource { get; init; }

    /// <summary>
    /// The --server-setting KEY=VALUE entries given to the spawned server, in order; a key containing SigningKey or
    /// Password has its value replaced by "***". Empty when there were none (and in results written before the option).
    /// </summary>
    public IReadOnlyList<string> ServerSettings { get; init; } = [];
}

/// <summary>The SLO verdict: passed only when every check passed. The tool's exit code is 0 exactly when Passed.</summary>
public sealed record SloVerdict(bool Passed, IReadOnlyList<SloCheck> Checks);

/// <summary>One SLO check, e.g. "input→ack p99" "&lt;=" 60 ms, actual 52.1.</summary>
public sealed record SloCheck(string Name, string Comparison, double Target, double Actual, string Unit, bool Passed);

public sealed record RunSummary
{
    public required int PlayersTarget { get; init; }

    /// <summary>Players that connected and got a Welcome.</summary>
    public required int PlayersJoined { get; init; }

    /// <summary>Players that had at least one input acknowledged in the measurement window.</summary>
    public required int PlayersAcked { get; init; }

    /// <summary>Distinct rooms the players landed in.</summary>
    public required int RoomsJoined { get; init; }

    public required long InputsSent { get; init; }
    public required long InputsAcked { get; init; }

    /// <summary>Send time of input seq s to the first snapshot whose ack for that player is ≥ s, at the client.</summary>
    public required LatencyStats InputToAckMs { get; init; }

    /// <summary>Time between consecutive snapshots at one player.</summary>
    public required LatencyStats SnapshotIntervalMs { get; init; }

    /// <summary>Standard deviation of the snapshot inter-arrival time.</summary>
    public required double SnapshotJitterMs { get; init; }

    public required double SnapshotsPerSecondPerPlayer { get; init; }

    /// <summary>
    /// The same, with each player's outage time (reconnecting, or a gap over 1 s between snapshots) left out of the
    /// player-seconds it divides by; equal to <see cref="SnapshotsPerSecondPerPlayer"/> in a run without failures. The
    /// snapshot-rate SLO judges this one. Null in results written before the tool measured recovery.
    /// </summary>
    public double? SnapshotsPerSecondPerPlayerExcludingOutages { get; init; }

    /// <summary>WebSocket frame bytes (payload + frame header) received per player per second.</summary>
    public required double BytesPerSecondPerPlayer { get; init; }

    /// <summary>
    /// Of the snapshots received in the window, the fraction that came as deltas (gameserver.v2): near 1 with --deltas on
    /// (a full snapshot follows only a join, a reconnect or a skipped one), 0 with --deltas off or a server that sends
    /// none. Null in results written before the tool counted deltas.
    /// </summary>
    public double? DeltaShare { get; init; }

    /// <summary>
    /// Keyframe requests over the whole run: deltas that did not apply to the last snapshot their player had, so it
    /// asked for a full one. The server never sends such a delta, so any is a bug. Null in results written before.
    /// </summary>
    public long? KeyframeRequests { get; init; }

    /// <summary>The game's events received by all players in the window. Null in results written before the tool counted them.</summary>
    public long? GameEventsReceived { get; init; }

    /// <summary>The game's events received per second, all players together, over the window (tag: tags, swaps, sightings). Null in results written before.</summary>
    public double? GameEventsPerSecond { get; init; }

    /// <summary>Players whose room its game ended (Left "room-ended", e.g. a tag round won) over the whole run; not errors. Null in results written before.</summary>
    public long? PlayersLeftByRoomEnd { get; init; }

    /// <summary>WebSocket connect time of every player; joins happen in the ramp, so this covers the ramp, not the window.</summary>
    public required LatencyStats ConnectMs { get; init; }

    /// <summary>Join request to Welcome, every player (covers the ramp, not the window).</summary>
    public required LatencyStats JoinMs { get; init; }

    /// <summary>Actual length of the measurement window in seconds (whole 1 s buckets; 0 if it never started).</summary>
    public double MeasuredSeconds { get; init; }

    /// <summary>Players that met any error (connect or join failure, unexpected close, error message) / target players.</summary>
    public required double ErrorRate { get; init; }
}

/// <summary>Percentiles from an HDR histogram (3 significant digits); all zero when Count is 0.</summary>
public sealed record LatencyStats(long Count, double Mean, double P50, double P90, double P99, double P999, double Max);

public sealed record TimelineBucket
{
    /// <summary>Seconds since the run started; the bucket covers [Second, Second + 1).</summary>
    public required int Second { get; init; }

    /// <summary>"ramp", "warmup" or "measure".</summary>
    public required string Phase { get; init; }

    public required int ConnectedPlayers { get; init; }
    public required long InputsSent { get; init; }
    public required long Acks { get; init; }

    /// <summary>Input→ack latency of the acks in this second; null when there were none.</summary>
    public double? LatencyP50Ms { get; init; }
    public double? LatencyP99Ms { get; init; }
    public double? LatencyMaxMs { get; init; }

    public required double SnapshotsPerSecondPerPlayer { get; init; }

    /// <summary>
    /// The same, with each player's outage time (reconnecting, or a gap over 1 s between snapshots) left out of the
    /// player-seconds it divides by; equal to <see cref="SnapshotsPerSecondPerPlayer"/> in a run without failures. The
    /// snapshot-rate SLO judges this one. Null in results written before the tool measured recovery.
    /// </summary>
    public double? SnapshotsPerSecondPerPlayerExcludingOutages { get; init; }
    public required double BytesPerSecondPerPlayer { get; init; }

    /// <summary>The game's events received in this second, all players together. Null in results written before the tool counted them.</summary>
    public double? GameEventsPerSecond { get; init; }
    public required long Errors { get; init; }
    public required double ToolCpuPercent { get; init; }
    public double? ServerCpuPercent { get; init; }
}

/// <summary>Count of latencies in [FromMs, ToMs).</summary>
public sealed record HistogramBin(double FromMs, double ToMs, long Count);

public sealed record ErrorSummary
{
    public required long Total { get; init; }
    public required long ConnectFailures { get; init; }
    public required long JoinFailures { get; init; }

    /// <summary>Of <see cref="JoinFailures"/>, the joins the game refused (ErrorCode.JoinRefused, e.g. an unknown or full team). 0 in results written before.</summary>
    public long JoinRefusals { get; init; }

    /// <summary>Connections the server closed or lost before the run ended.</summary>
    public required long Disconnects { get; init; }

    /// <summary>Error messages received from the server.</summary>
    public required long ProtocolErrors { get; init; }

    /// <summary>Close codes of unexpected closes, e.g. "4001" → 3; "none" when the socket dropped without a close frame.</summary>
    public required IReadOnlyDictionary<string, long> CloseCodes { get; init; }

    /// <summary>Protocol error codes received, by name, e.g. "RoomFull" → 1.</summary>
    public required IReadOnlyDictionary<string, long> ErrorCodes { get; init; }

    /// <summary>The first few error messages, verbatim, for a quick diagnosis.</summary>
    public required IReadOnlyList<string> Samples { get; init; }
}

/// <summary>CPU is measured from /proc (utime + stime) over the measurement window, as % of one core.</summary>
public sealed record ProcessUsage(int Pid, double CpuPercentOfOneCore, double RssMb);

/// <summary>
/// The server process over the measurement window (the whole run when no window was measured): CPU and memory as for the
/// tool, plus what shows a regression that CPU alone can hide, context switches and garbage collections.
/// </summary>
public sealed record ServerUsage(int Pid, double CpuPercentOfOneCore, double RssMb)
{
    /// <summary>
    /// Context switches per second, all threads (voluntary + nonvoluntary, from each thread's /proc/&lt;pid&gt;/task/&lt;tid&gt;/status).
    /// Null when not measured, and in results written before the tool measured it.
    /// </summary>
    public double? ContextSwitchesPerSecond { get; init; }

    /// <summary>Of those, the switches where a thread blocked or waited (gave up the CPU).</summary>
    public double? VoluntaryContextSwitchesPerSecond { get; init; }

    /// <summary>Of those, the switches where the scheduler preempted a thread: its time slice ran out or the core was wanted.</summary>
    public double? NonvoluntaryContextSwitchesPerSecond { get; init; }

    /// <summary><see cref="ContextSwitchesPerSecond"/> ÷ players in a room when the window opened; null without a window or players.</summary>
    public double? ContextSwitchesPerSecondPerPlayer { get; init; }

    /// <summary>
    /// Garbage collections per second by generation, from the server's /metrics at the window's start and end. Null when
    /// /metrics did not answer (or has no GC counter), when no window was measured, and in results written before.
    /// </summary>
    public GcCollectionRates? GcCollectionsPerSecond { get; init; }
}

/// <summary>
/// Garbage collections per second, by the oldest generation each collected: a gen1 GC counts under gen1 only, not gen0
/// (the runtime's <c>dotnet.gc.collections</c>).
/// </summary>
public sealed record GcCollectionRates(double Gen0, double Gen1, double Gen2);
