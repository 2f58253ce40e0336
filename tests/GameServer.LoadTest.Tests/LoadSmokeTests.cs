using GameServer.Auth;
using GameServer.LoadTest.Cli;
using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Reports;
using GameServer.LoadTest.Results;
using GameServer.LoadTest.Slo;
using Xunit.Abstractions;

namespace GameServer.LoadTest.Tests;

/// <summary>
/// Real runs of the tool, in-process, each against an embedded host it spawns (Release build; test.sh builds it
/// first, and the tool builds it if missing). One class, so the runs never compete for the cores.
/// </summary>
public sealed class LoadSmokeTests(ITestOutputHelper log) : IDisposable
{
    private const string SmokeSecret = "smoke-secret-never-shown";

    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The churn smoke: about two minutes of run, then the wait for its rooms to close.</summary>
    private static readonly TimeSpan s_churnTimeout = TimeSpan.FromMinutes(5);

    private readonly DirectoryInfo _out = Directory.CreateTempSubdirectory("loadtest-smoke-");

    [Fact]
    public async Task Run_FiveRoomsOfEight_PassesWithEveryPlayerMeasuredAndWritesJsonAndHtml()
    {
        // The SLO here is the tool's, not the server's: a loose p99 keeps a loaded CI machine from failing the smoke run.
        // Also --server-setting: a plain one (the host's default value, so the figures do not move) and a secret one.
        var (exit, output) = await RunAsync(
            "--spawn-server", "--server-port", "0", "--no-build", "--rooms", "5", "--players-per-room", "8",
            "--ramp", "2s", "--warmup", "2s", "--duration", "10s", "--slo-p99-ms", "200", "--seed", "42",
            "--server-setting", "Edge:InputFlushLeadMs=10", "--server-setting", "Smoke:Password=" + SmokeSecret);

        Assert.True(exit == ExitCodes.Passed, $"exit code {exit}:{Environment.NewLine}{output}");
        var result = ReadResult();
        var s = result.Summary;
        Assert.Equal(LoadTestResult.CurrentSchema, result.Schema);
        Assert.False(result.Interrupted);
        Assert.True(result.Slo.Passed);
        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(0, s.ErrorRate);
        Assert.Equal(40, s.PlayersTarget);
        Assert.Equal(40, s.PlayersJoined);
        Assert.Equal(40, s.PlayersAcked);
        Assert.Equal(5, s.RoomsJoined);
        Assert.InRange(s.SnapshotsPerSecondPerPlayer, 18, 22);
        Assert.InRange(s.SnapshotIntervalMs.P50, 40, 60);
        Assert.True(s.InputToAckMs.P99 > 0);
        Assert.True(s.InputToAckMs.Count > 40 * 10 * 15, $"{s.InputToAckMs.Count} latencies"); // 20 Hz × 10 s × 40, with slack
        Assert.InRange(s.InputsSent, 40 * 10 * 18, 40 * 10 * 22);
        Assert.True(s.BytesPerSecondPerPlayer > 0);
        // Delta snapshots are on by default: most snapshots came as deltas (observers rebuilt them), none failed to apply.
        Assert.True(result.Settings.DeltaSnapshots);
        Assert.InRange(s.DeltaShare!.Value, 0.5, 1);
        Assert.Equal(0, s.KeyframeRequests);
        Assert.True(result.Slo.Checks[^1] is { Name: SloEvaluator.KeyframeRequestsCheck, Passed: true });
        Assert.Contains("deltas: ", output);
        Assert.Equal("websocket", result.Settings.Transport);
        Assert.Contains("transport websocket", output);
        Assert.Equal(40, s.ConnectMs.Count);
        Assert.Equal(40, s.JoinMs.Count);
        Assert.True(s.MeasuredSeconds >= 9.5);
        Assert.True(result.Timeline.Count(b => b.Phase == "measure") >= 10);
        Assert.Contains(result.Timeline, b => b.Phase == "ramp");
        Assert.Contains(result.Timeline, b => b.Phase == "warmup");
        Assert.NotEmpty(result.LatencyHistogram);
        Assert.Equal(s.InputsAcked, result.LatencyHistogram.Sum(b => b.Count));
        Assert.Equal(42, result.Settings.Seed);
        Assert.True(result.Settings.SpawnedServer);
        Assert.Equal("spawned-key", result.Settings.TokenSource); // a fresh key, given to the spawned host
        Assert.DoesNotContain("signingKey", File.ReadAllText(Assert.Single(_out.GetFiles("loadtest-*.json")).FullName), StringComparison.OrdinalIgnoreCase);
        Assert.True(result.Tool.CpuPercentOfOneCore > 0);
        Assert.NotNull(result.Server);
        Assert.True(result.Server.RssMb > 0);
        // A host serving 40 players switches threads thousands of times a second; its /metrics answers, GCs or not.
        Assert.True(result.Server.ContextSwitchesPerSecond > 0, $"{result.Server.ContextSwitchesPerSecond} context switches/s");
        Assert.InRange(Math.Abs(result.Server.ContextSwitchesPerSecond!.Value
            - (result.Server.VoluntaryContextSwitchesPerSecond!.Value + result.Server.NonvoluntaryContextSwitchesPerSecond!.Value)), 0, 0.2); // each rounded to 0.1
        Assert.True(result.Server.ContextSwitchesPerSecondPerPlayer > 0);
        Assert.NotNull(result.Server.GcCollectionsPerSecond);
        Assert.True(result.Server.GcCollectionsPerSecond is { Gen0: >= 0, Gen1: >= 0, Gen2: >= 0 });
        Assert.Contains("context switches ", output);
        Assert.Contains("GC collections/s gen0 ", output);

        var html = File.ReadAllText(Assert.Single(_out.GetFiles("loadtest-*.html")).FullName);
        Assert.Contains("<svg", html);
        Assert.Contains("input", html);
        Assert.Contains(ReportFormat.Number(s.InputToAckMs.P99), html);
        Assert.Contains("result: PASS", output);

        Assert.Equal(["Edge:InputFlushLeadMs=10", "Smoke:Password=***"], result.Settings.ServerSettings);
        Assert.Contains("; server settings Edge:InputFlushLeadMs=10, Smoke:Password=***", output);
        Assert.Contains(ReportFormat.Html("Edge:InputFlushLeadMs=10 · Smoke:Password=***"), html);
        Assert.DoesNotContain(SmokeSecret, output);
        Assert.DoesNotContain(SmokeSecret, html);
        Assert.DoesNotContain(SmokeSecret, File.ReadAllText(Assert.Single(_out.GetFiles("loadtest-*.json")).FullName));
    }

    [Fact]
    public async Task Run_DeltasOnAndOff_OnlyOnGetsDeltas_AndOffReceivesMoreBytesPerPlayer()
    {
        // The A/B --deltas is for: the same load and seed with delta snapshots (gameserver.v2) and without (v1).
        string[] load = ["--spawn-server", "--server-port", "0", "--no-build", "--rooms", "2", "--ramp", "1s", "--warmup", "1s", "--duration", "3s",
            "--seed", "7", "--slo-p99-ms", "2000", "--slo-min-snapshot-rate", "15"];
        var onJson = Path.Combine(_out.FullName, "on.json");
        var offJson = Path.Combine(_out.FullName, "off.json");

        var (onExit, onOutput) = await RunAsync([.. load, "--deltas", "on", "--json", onJson]);
        var (offExit, offOutput) = await RunAsync([.. load, "--deltas", "off", "--json", offJson]);

        Assert.True(onExit == ExitCodes.Passed, $"exit code {onExit}:{Environment.NewLine}{onOutput}");
        Assert.True(offExit == ExitCodes.Passed, $"exit code {offExit}:{Environment.NewLine}{offOutput}");
        var on = ResultWriter.Read(File.ReadAllText(onJson));
        var off = ResultWriter.Read(File.ReadAllText(offJson));
        Assert.Equal((true, false), (on.Settings.DeltaSnapshots, off.Settings.DeltaSnapshots));
        Assert.Equal(16, on.Summary.PlayersJoined);
        Assert.Equal(16, off.Summary.PlayersJoined);
        Assert.InRange(on.Summary.DeltaShare!.Value, 0.5, 1);
        Assert.Equal(0, on.Summary.KeyframeRequests);
        Assert.Contains(on.Slo.Checks, c => c is { Name: SloEvaluator.KeyframeRequestsCheck, Passed: true });
        Assert.Equal(0, off.Summary.DeltaShare);
        Assert.Equal(0, off.Summary.KeyframeRequests);
        Assert.DoesNotContain(off.Slo.Checks, c => c.Name == SloEvaluator.KeyframeRequestsCheck);
        // A delta carries what changed (about half a moving entity's bytes); every other message is the same.
        Assert.True(on.Summary.BytesPerSecondPerPlayer < 0.8 * off.Summary.BytesPerSecondPerPlayer,
            $"{on.Summary.BytesPerSecondPerPlayer} B/s per player with deltas, {off.Summary.BytesPerSecondPerPlayer} without");
        Assert.Contains("deltas: off (--deltas off)", offOutput);
        Assert.Contains("; --deltas off: gameserver.v1, every snapshot in full", offOutput);
        Assert.DoesNotContain("warning: --deltas on", onOutput);
        Assert.DoesNotContain("keyframe requests: a delta", onOutput);
    }

    [Theory]
    [InlineData("sse")]
    [InlineData("longpolling")]
    public async Task Run_OverTheFallbackTransport_PlayersJoinAndGetSnapshotsAndAcks_AndTheResultSaysWhichTransport(string transport)
    {
        // The fallback for networks that block WebSockets, through the SDK's SignalR transport and the server's hub.
        var (exit, output) = await RunAsync(
            "--spawn-server", "--server-port", "0", "--no-build", "--rooms", "2", "--players-per-room", "4", "--ramp", "1s", "--warmup", "1s",
            "--duration", "4s", "--seed", "11", "--slo-p99-ms", "2000", "--slo-min-snapshot-rate", "10", "--transport", transport);

        Assert.True(exit == ExitCodes.Passed, $"exit code {exit}:{Environment.NewLine}{output}");
        var result = ReadResult();
        Assert.Equal(transport, result.Settings.Transport);
        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(8, result.Summary.PlayersJoined);
        Assert.True(result.Summary.InputsAcked > 0, $"{result.Summary.InputsAcked} inputs acked");
        Assert.True(result.Summary.SnapshotsPerSecondPerPlayer > 0, $"{result.Summary.SnapshotsPerSecondPerPlayer} snapshots/s per player");
        Assert.Contains($"transport {transport}", output);
        Assert.Contains($"--transport {transport}: over the SignalR hub", output);
    }

    [Fact]
    public async Task Run_GameTag_TeamsAreAcceptedAndTheGamesEventsAreCounted()
    {
        // A full tag room of 8 (its capacity), red and blue in turn: no join is refused; every player gets at least the game's welcome event
        // (sent at the join, so in the ramp: the timeline, not the window, must show it).
        var (exit, output) = await RunAsync(
            "--spawn-server", "--server-port", "0", "--no-build", "--game", "tag", "--rooms", "1", "--players-per-room", "8",
            "--ramp", "1s", "--warmup", "1s", "--duration", "3s", "--slo-p99-ms", "500", "--slo-min-snapshot-rate", "15");

        Assert.True(exit == ExitCodes.Passed, $"exit code {exit}:{Environment.NewLine}{output}");
        var result = ReadResult();
        Assert.Equal(("tag", "tag"), (result.Settings.Game, result.Settings.RoomType));
        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(0, result.Errors.JoinRefusals);
        Assert.Equal(8, result.Summary.PlayersJoined);
        Assert.Equal(1, result.Summary.RoomsJoined);
        Assert.NotNull(result.Summary.GameEventsPerSecond);
        Assert.True(result.Timeline.Sum(b => b.GameEventsPerSecond ?? 0) > 0, "the players' welcome events are counted");
        Assert.Contains("game events:", output);
        Assert.Contains("joins refused by the game: 0", output);
    }

    [Fact]
    public async Task Run_PrivateScenario_EachGroupPlaysInTheRoomItsFirstPlayerCreated()
    {
        // 3 groups of 4: every player's room is its group's (3 rooms, not more), reached by code, without an error;
        // the --property is sent as the created rooms' value.
        var (exit, output) = await RunAsync(
            "--spawn-server", "--server-port", "0", "--no-build", "--rooms", "3", "--players-per-room", "4",
            "--scenario", "private", "--property", "mode=ffa",
            "--ramp", "1s", "--warmup", "1s", "--duration", "3s", "--slo-p99-ms", "500", "--slo-min-snapshot-rate", "15");

        Assert.True(exit == ExitCodes.Passed, $"exit code {exit}:{Environment.NewLine}{output}");
        var result = ReadResult();
        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(12, result.Summary.PlayersJoined);
        Assert.Equal(3, result.Summary.RoomsJoined);
        Assert.Contains("private rooms", output);
        Assert.Contains("room properties mode=ffa", output);
    }

    [Fact]
    public async Task Run_WithAServerSettingTheToolAlsoSets_TheSpawnedServerUsesTheUsersValue()
    {
        // The tool lifts Edge:MaxConnectionsPerIp to 1000000; the user's 4, given after it, must win: of the 8 bots
        // (all on 127.0.0.1) only 4 get in (the reachability check's connection may still hold one slot), the rest get 429.
        var (exit, output) = await RunAsync(
            "--spawn-server", "--server-port", "0", "--no-build", "--rooms", "1",
            "--ramp", "1s", "--warmup", "0", "--duration", "1s", "--server-setting", "Edge:MaxConnectionsPerIp=4");

        Assert.True(exit == ExitCodes.SloMissed, $"exit code {exit}:{Environment.NewLine}{output}");
        var result = ReadResult();
        Assert.Equal(["Edge:MaxConnectionsPerIp=4"], result.Settings.ServerSettings);
        Assert.InRange(result.Errors.ConnectFailures, 4, 5);
        Assert.InRange(result.Summary.PlayersJoined, 3, 4);
        Assert.Contains(result.Errors.Samples, sample => sample.Contains("HTTP 429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WithAnUnreachableP99Target_ExitsWith1AndRecordsTheFailedCheck()
    {
        // Also the --token-key path: the spawned host is given the tester's key and the bots sign with it.
        var key = GameTokenIssuer.NewSigningKey();
        var (exit, output) = await RunAsync(
            "--spawn-server", "--server-port", "0", "--no-build", "--rooms", "1",
            "--ramp", "500ms", "--warmup", "0", "--duration", "2s", "--slo-p99-ms", "0.001", "--token-key", key,
            // Only the p99 check is meant to fail: a 2 s window on a busy CI machine can dip below the default 19 snapshots/s.
            "--slo-min-snapshot-rate", "10");

        Assert.True(exit == ExitCodes.SloMissed, $"exit code {exit}:{Environment.NewLine}{output}");
        var result = ReadResult();
        Assert.False(result.Slo.Passed);
        var p99 = Assert.Single(result.Slo.Checks, c => !c.Passed);
        Assert.Equal("input→ack p99", p99.Name);
        Assert.True(p99.Actual > p99.Target);
        Assert.Contains("FAIL  input→ack p99", output);
        Assert.Equal("token-key", result.Settings.TokenSource);
        Assert.Equal(0, result.Errors.ConnectFailures);
        Assert.Equal(8, result.Summary.PlayersJoined);
        Assert.DoesNotContain(key, output);
        Assert.DoesNotContain(key, File.ReadAllText(Assert.Single(_out.GetFiles("loadtest-*.json")).FullName));
    }

    [Fact]
    public async Task Run_WithoutFailures_RecoveryIsZerosAndEveryPlayerIsInItsRoomAtTheEnd()
    {
        // The recovery SLOs on, as a failure drill would have them; the --url list is replaced by the spawned server's. Loose
        // latency and snapshot-rate targets: this run checks the recovery figures, not how fast a busy CI machine is (one
        // 0.8 s stall of the whole machine in its 4 s window once put p99 at 818 ms; gaps over 1 s are checked below).
        var (exit, output) = await RunAsync(
            "--spawn-server", "--server-port", "0", "--no-build", "--rooms", "2", "--url", "ws://127.0.0.1:1/ws,ws://127.0.0.1:2/ws",
            "--ramp", "1s", "--warmup", "1s", "--duration", "4s", "--slo-p99-ms", "2000", "--slo-min-snapshot-rate", "15",
            "--slo-max-recovery", "5s", "--slo-max-game-time-lost", "1s", "--slo-min-resumed", "100");

        Assert.True(exit == ExitCodes.Passed, $"exit code {exit}:{Environment.NewLine}{output}");
        var result = ReadResult();
        var r = Assert.IsType<RecoverySummary>(result.Recovery);
        Assert.Equal(0, r.BotsDropped);
        Assert.Equal(0, r.Drops);
        Assert.Equal(0, r.Reconnects);
        Assert.Equal(0, r.Resumes);
        Assert.Equal(0, r.ResumeFailures);
        Assert.Equal(100, r.BotsResumedPercent);
        Assert.Equal(new OutageStats(0, 0, 0, 0), r.OutageMs);
        Assert.InRange(r.MaxSnapshotGapMs, 1, 999); // snapshots came, and never stopped for a second
        Assert.Equal(0, r.SnapshotGapsOver1s);
        Assert.Equal(0, r.RoomsRestored);
        Assert.Equal(new GameTimeLostStats(0, 0), r.GameTimeLostMs);
        Assert.Equal(0, r.TicksReplayedMax);
        Assert.Empty(r.Restores);
        Assert.Equal(0, r.SnapshotsOutOfOrder);
        Assert.Equal(0, r.InputsDropped);
        Assert.Equal(0, r.AcksNotTimed);
        Assert.Equal(16, r.BotsInRoomAtEnd);
        Assert.Equal(0, r.InputsRolledBack);
        var edge = Assert.Single(result.Edges!); // the spawned server's, instead of the two given
        Assert.Equal((16L, 0L, 0L, 16), (edge.PlayersConnected, edge.Drops, edge.ReconnectsIn, edge.PlayersAtEnd));
        Assert.Equal(result.Timeline.Select(b => b.Second), r.Timeline.Select(b => b.Second));
        Assert.All(r.Timeline, b => Assert.Equal((0, 0), (b.Reconnecting, b.Stalled)));
        Assert.Equal(result.Summary.SnapshotsPerSecondPerPlayer, result.Summary.SnapshotsPerSecondPerPlayerExcludingOutages);
        Assert.Equal(["recovery time", "game time lost", "players resumed", SloEvaluator.KeyframeRequestsCheck], result.Slo.Checks.Skip(5).Select(c => c.Name));
        Assert.All(result.Slo.Checks, c => Assert.True(c.Passed, c.Name));

        Assert.Contains("--url is ignored with --spawn-server", output);
        Assert.Equal([result.Settings.Url], result.Settings.Urls);
        Assert.DoesNotContain("ws://127.0.0.1:1/ws", result.Settings.Url);
        Assert.DoesNotContain("recovery:", output); // the section is shown only after a failure
        Assert.Contains("PASS  players resumed >= 100 %: actual 100", output);
        Assert.DoesNotContain("<h2>Recovery", File.ReadAllText(Assert.Single(_out.GetFiles("loadtest-*.html")).FullName));
    }

    [Fact]
    public async Task Run_ChurnSmoke_RoomsOpenAndClose_PlayersLeaveDropAndResume_AndNothingGrowsOrLeaks()
    {
        // CI's two-minute churn smoke: short matches and a short empty-room grace so rooms turn over many times; the same
        // checks as the 30-minute soak (docs/operations.md) with a looser growth limit: in its first minutes a host's RSS
        // still grows by 15 % (code warming up, pools filling), so two minutes can catch only a gross leak.
        var (exit, output) = await RunAsync(s_churnTimeout,
            "--spawn-server", "--server-port", "0", "--no-build", "--rooms", "4", "--ramp", "2s", "--warmup", "20s", "--duration", "90s",
            "--churn", "--match-min", "5s", "--match-max", "15s", "--rejoin-delay-max", "5s", "--drop-share", "0.5", "--sample-every", "2s",
            "--slo-max-growth", "40", "--server-setting", "Rooms:arena:EmptyRoomGraceSeconds=2",
            "--slo-p99-ms", "200", "--slo-min-snapshot-rate", "15");

        Assert.True(exit == ExitCodes.Passed, $"exit code {exit}:{Environment.NewLine}{output}");
        var result = ReadResult();
        var soak = Assert.IsType<SoakSummary>(result.Soak);
        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(32, result.Summary.PlayersJoined);
        Assert.True(soak.Leaves > 32, $"{soak.Leaves} leaves"); // every slot's player left at least once
        Assert.True(soak.Drops > 0, "no player dropped");
        Assert.Equal(0, soak.ReplacementsFailed);
        Assert.True(result.Recovery!.Resumes >= soak.Drops, $"{result.Recovery.Resumes} resumes for {soak.Drops} drops");
        // Rooms closed during the run (the room-grain count went down between samples) and new ones opened.
        var measured = soak.Samples.Where(x => x.Phase is "warmup" or "measure").ToList();
        Assert.Contains(measured.Zip(measured.Skip(1)), pair => pair.Second.RoomActivations < pair.First.RoomActivations);
        Assert.True(result.Summary.RoomsJoined > 4, $"{result.Summary.RoomsJoined} rooms used");
        Assert.Equal(0, soak.RoomsOpenAfterPlayersLeft);
        Assert.Equal(SoakMonitor.ClosedPhase, soak.Samples[^1].Phase);
        Assert.Equal((0, 0), (soak.Samples[^1].LiveRooms, soak.Samples[^1].PlayersInRoom));
        Assert.All(measured, x => Assert.True(x.RssMb > 0 && x.GcHeapMb > 0 && x.Threads > 0 && x.OpenHandles > 0, x.ToString()));
        Assert.All(new[] { soak.RssMb, soak.GcHeapMb, soak.OpenHandles, soak.Threads }, g => Assert.NotNull(g.Percent));
        Assert.Equal(
            [SloEvaluator.RssGrowthCheck, SloEvaluator.HeapGrowthCheck, SloEvaluator.HandlesGrowthCheck, SloEvaluator.RoomsClosedCheck, SloEvaluator.ErrorsCheck,
                SloEvaluator.KeyframeRequestsCheck],
            result.Slo.Checks.Skip(5).Select(c => c.Name));
        Assert.Contains("soak: ", output);

        var html = File.ReadAllText(Assert.Single(_out.GetFiles("loadtest-*.html")).FullName);
        Assert.Contains("<h2>Soak: rooms coming and going</h2>", html);
        Assert.Contains("aria-label=\"Rooms and grain activations over time\"", html);
    }

    public void Dispose() => _out.Delete(recursive: true);

    private Task<(int Exit, string Output)> RunAsync(params string[] args) => RunAsync(s_runTimeout, args);

    private async Task<(int Exit, string Output)> RunAsync(TimeSpan limit, params string[] args)
    {
        using var timeout = new CancellationTokenSource(limit);
        var output = new StringWriter();
        var exit = await LoadTestCli.RunAsync([.. args, "--out", _out.FullName], output, timeout.Token);
        log.WriteLine(output.ToString());
        Assert.False(timeout.IsCancellationRequested, $"the run did not finish within {limit.TotalSeconds:0} s");
        return (exit, output.ToString());
    }

    private LoadTestResult ReadResult() =>
        ResultWriter.Read(File.ReadAllText(Assert.Single(_out.GetFiles("loadtest-*.json")).FullName));
}
