using GameServer.LoadTest.Bots;
using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Output;
using GameServer.LoadTest.Results;
using GameServer.LoadTest.Server;
using GameServer.LoadTest.Slo;

namespace GameServer.LoadTest.Run;

/// <summary>
/// One run against a server that is already up: ramp (joins spread over --ramp), warm-up, measurement, then every
/// connection closed and the result assembled. Phases change on the 1 s bucket boundaries of the timeline.
/// </summary>
/// <param name="tokens">Every bot's player token, made before the ramp, and where they came from.</param>
internal sealed class LoadRun(LoadTestOptions options, IRunView view, BotTokens tokens)
{
    private static readonly TimeSpan s_bucket = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(5);

    /// <param name="serverPid">The server's PID to sample, when known.</param>
    /// <param name="spawnedServer">For the settings record only.</param>
    /// <param name="stop">Ctrl+C: ends the run at the next second and still returns a (marked) result.</param>
    public async Task<LoadTestResult> RunAsync(int? serverPid, bool spawnedServer, CancellationToken stop)
    {
        var seed = options.Seed ?? Random.Shared.Next();
        view.Info($"seed {seed} (pass --seed {seed} to repeat the bots' random walks and send phases)");
        view.Info($"{options.TargetPlayers} players ({options.Rooms} rooms × {options.PlayersPerRoom}, {options.ObserversPerRoom} observer(s) per room) → {string.Join(", ", options.Urls)}; " +
            $"ramp {Cli.DurationParser.Format(options.Ramp)}, warm-up {options.WarmupSeconds}s, measure {options.MeasureSeconds}s, inputs at {options.InputRateHz:0.##} Hz"
            + (options.Scenario == RoomScenario.Private ? "; private rooms: each group's first player creates, the others join by code" : "")
            + (options.Properties.Count > 0 ? "; room properties " + string.Join(", ", options.Properties.Select(p => p.Key + "=" + p.Value)) : "")
            + (options.ServerSettings.Count > 0 ? "; server settings " + string.Join(", ", options.ServerSettings.Select(ServerSettings.Redact)) : "")
            + (options.DeltaSnapshots ? "" : "; --deltas off: gameserver.v1, every snapshot in full")
            + (options.Transport == Bots.BotTransport.WebSocket ? "" : $"; --transport {options.Transport}: over the SignalR hub"));

        var serverSampler = serverPid is { } pid ? ProcessSampler.ForProcess(pid) : null;
        // GC counts come from the server's /metrics: on its management port when known (a spawned server's, or
        // --server-management-url), else on the host and port of the first --url.
        using var serverGc = serverSampler is null ? null : new ServerGcWindow(ServerGcWindow.MetricsUrlFor(options.Url, options.ServerManagementUrl));
        if (serverGc is not null && !await serverGc.WarmAsync().ConfigureAwait(false))
        {
            view.Warn($"{serverGc.MetricsUrl} did not answer with {ServerGcWindow.CollectionsMetric}: the server's GC collections will likely not be reported"
                + (options.ServerManagementUrl is null ? " (outside Development a server answers /metrics only on its management port: pass --server-management-url)." : "."));
        }

        var startedAt = DateTimeOffset.UtcNow;
        var measurements = new Measurements(ProcessSampler.ForSelf(), serverSampler);
        var fleet = new BotFleet(options, seed, measurements, tokens.Tokens);
        var pump = new InputPump();
        using var pumpStop = new CancellationTokenSource();
        var pumping = Task.Run(() => pump.RunAsync(pumpStop.Token), CancellationToken.None);
        using var rampStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        rampStop.CancelAfter(options.Ramp + options.RampGrace); // each join is bounded too; this bounds the whole ramp
        var ramp = Task.Run(() => new JoinRamp(fleet, pump, options.Urls, options).RunAsync(rampStop.Token), CancellationToken.None);

        // --churn: players come and go once the ramp is done, and the server's resources are sampled all along.
        var churn = options.Churn ? new ChurnDriver(fleet, pump, options, BotFleet.DeriveSeed(seed, -1)) : null;
        using var soak = options.Churn ? new SoakMonitor(SoakProcesses(serverPid), options.SampleEvery, measurements.StartedAt, () => (fleet.LiveRooms(), fleet.Totals().InRoom)) : null;
        using var churnStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var churning = churn is null ? Task.CompletedTask : Task.Run(async () =>
        {
            await ramp.ConfigureAwait(false);
            await churn.RunAsync(churnStop.Token).ConfigureAwait(false);
        }, CancellationToken.None);
        using var samplingStop = new CancellationTokenSource();
        var sampling = soak is null ? Task.CompletedTask : Task.Run(() => soak.RunAsync(samplingStop.Token), CancellationToken.None);
        if (soak is { Processes.Count: 0 })
        {
            view.Warn("--churn without a server to sample (no --spawn-server, --server-pid or --watch): the growth checks will fail for want of figures.");
        }

        bool interrupted;
        try
        {
            interrupted = await view.RunAsync(show => PhasesAsync(fleet, measurements, serverGc, soak, ramp, show, stop)).ConfigureAwait(false);
        }
        finally
        {
            await rampStop.CancelAsync().ConfigureAwait(false);
            await ramp.ConfigureAwait(false);
            await churnStop.CancelAsync().ConfigureAwait(false);
            await churning.ConfigureAwait(false);
            await pumpStop.CancelAsync().ConfigureAwait(false);
            await pumping.ConfigureAwait(false);
            await samplingStop.CancelAsync().ConfigureAwait(false);
            await sampling.ConfigureAwait(false);
        }

        var final = fleet.Totals();
        var playersAcked = fleet.PlayersAckedInWindow();
        // Before closing: a gap or outage still open at the end is part of the figures, and closing ends every seat.
        var recoveryTotals = fleet.FinishRecovery(Clock.Now);
        view.Info($"closing {final.InRoom} connections…");
        await (options.Churn ? fleet.LeaveAllAsync(s_closeTimeout) : fleet.CloseAllAsync(s_closeTimeout)).ConfigureAwait(false);
        WarnAboutTheTool(final, measurements);
        WarnAboutDeltas(final);
        var gcCollections = serverGc is null ? null : await serverGc.RatesAsync().ConfigureAwait(false);
        if (serverGc is not null && gcCollections is null && measurements.MeasuredSeconds > 0)
        {
            view.Warn($"the server's GC collections are not reported: {serverGc.MetricsUrl} did not answer when the window opened or closed, or has no {ServerGcWindow.CollectionsMetric}.");
        }

        SoakSummary? soakSummary = null;
        if (soak is not null && churn is not null)
        {
            view.Info($"waiting up to {options.RoomsCloseTimeout.TotalSeconds:0} s for the server to close its rooms…");
            var closedAfter = await soak.WaitForRoomsToCloseAsync(options.RoomsCloseTimeout, stop).ConfigureAwait(false);
            soakSummary = soak.Summarize(options, churn.Leaves, churn.Drops, churn.ReplacementsFailed, closedAfter);
        }

        var summary = measurements.Summary(options.TargetPlayers, playersAcked, fleet.RoomsJoined(), final, fleet.OutagePlayerSeconds, averagePlayers: options.Churn);
        var recovery = RecoveryMath.Summarize(recoveryTotals, measurements.Recovery.OutagesMs(), measurements.Recovery.Restores(),
            measurements.Recovery.Timeline(), fleet.InputsDropped(), fleet.AcksNotTimed(), fleet.InputsRolledBack());
        return new LoadTestResult
        {
            StartedAt = startedAt,
            ElapsedSeconds = Math.Round(Clock.Seconds(Clock.Now - measurements.StartedAt), 3),
            Settings = Settings(seed, spawnedServer),
            Interrupted = interrupted,
            Slo = SloEvaluator.Evaluate(summary, SloThresholds.From(options), options.MeasureSeconds,
                windowComplete: !interrupted && measurements.MeasuredSeconds >= options.MeasureSeconds, recovery,
                soakSummary is null ? null : new SoakVerdictInput(soakSummary, options.SloMaxGrowthPercent, measurements.Errors.Total)),
            Summary = summary,
            Timeline = measurements.Timeline,
            LatencyHistogram = measurements.LatencyBins(),
            Errors = measurements.Errors.Summary(),
            Tool = measurements.ToolUsage(),
            Server = measurements.ServerUsage(gcCollections),
            Recovery = recovery,
            Edges = measurements.Edges.Summarize(options.Urls, fleet.EdgesInRoomAtEnd(recoveryTotals)),
            Soak = soakSummary,
        };
    }

    /// <summary>The 1 s loop: closes a bucket, moves the phase on, shows progress. True when stopped early.</summary>
    private async Task<bool> PhasesAsync(
        BotFleet fleet, Measurements measurements, ServerGcWindow? serverGc, SoakMonitor? soak, Task ramp, Action<ProgressFrame> show, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(s_bucket);
        var phase = RunPhase.Ramp;
        var warmupLeft = options.WarmupSeconds;
        var measureLeft = options.MeasureSeconds;
        var bucketStart = Clock.Now;
        for (var second = 0; ; second++)
        {
            var interrupted = false;
            try
            {
                await timer.WaitForNextTickAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                interrupted = true;
            }
            var totals = fleet.Totals();
            var bucket = measurements.CloseBucket(second, phase, totals);
            var now = Clock.Now;
            var (reconnecting, stalled) = fleet.RecoveryCounts(bucketStart, now);
            measurements.Recovery.AddSecond(second, reconnecting, stalled);
            bucketStart = now;
            var elapsed = TimeSpan.FromSeconds(Clock.Seconds(Clock.Now - measurements.StartedAt));
            var next = phase;
            var done = false;
            switch (phase)
            {
                case RunPhase.Ramp when ramp.IsCompleted && elapsed >= options.Ramp:
                    next = warmupLeft > 0 ? RunPhase.Warmup : RunPhase.Measure;
                    done = totals.Joined == 0; // nobody to measure: say so now rather than after the whole window
                    break;
                case RunPhase.Warmup:
                    next = --warmupLeft > 0 ? RunPhase.Warmup : RunPhase.Measure;
                    break;
                case RunPhase.Measure:
                    done = --measureLeft == 0;
                    break;
            }
            if (next == RunPhase.Measure && phase != RunPhase.Measure && !done && !interrupted)
            {
                fleet.MarkWindowStart();
                measurements.BeginWindow(totals);
                serverGc?.Begin();
            }
            soak?.SetPhase(next.Label());
            if (phase == RunPhase.Measure && (done || interrupted))
            {
                serverGc?.End(); // the bucket just closed was the window's last
            }
            var timeLeft = next switch
            {
                RunPhase.Ramp => Max(options.Ramp - elapsed, TimeSpan.Zero) + TimeSpan.FromSeconds(options.WarmupSeconds + options.MeasureSeconds),
                RunPhase.Warmup => TimeSpan.FromSeconds(warmupLeft + options.MeasureSeconds),
                _ => TimeSpan.FromSeconds(measureLeft),
            };
            show(new ProgressFrame(bucket, next, elapsed, done || interrupted ? TimeSpan.Zero : timeLeft, options.TargetPlayers,
                totals.Joined, measurements.Errors.Total, measurements.Errors.TakeUnreported(), reconnecting, stalled));
            if (done && totals.Joined == 0)
            {
                view.Error("no player joined; stopping (see the errors above).");
            }
            if (done || interrupted)
            {
                if (interrupted)
                {
                    view.Warn("stopped early (Ctrl+C / SIGTERM): the result covers what was measured so far and is marked interrupted.");
                }
                return interrupted;
            }
            phase = next;
        }
    }

    /// <summary>The processes a soak samples: --watch, or else the server whose PID is known, with the metrics the GC window reads.</summary>
    private IReadOnlyList<WatchedProcess> SoakProcesses(int? serverPid) =>
        options.Watch.Count > 0 ? options.Watch
        : serverPid is { } pid ? [new WatchedProcess(pid, ServerGcWindow.MetricsUrlFor(options.Url, options.ServerManagementUrl))]
        : [];

    private void WarnAboutTheTool(FleetTotals totals, Measurements measurements)
    {
        if (totals.SkippedSends > 0)
        {
            view.Warn($"{totals.SkippedSends} inputs were not sent because the previous send of that player was still in flight: the socket backed up, the inputs-per-second figures are below --input-rate.");
        }
        if (totals.Unmeasurable > 0)
        {
            view.Warn($"{totals.Unmeasurable} acked inputs had no send time left (acks more than {SendTimeRing.Capacity} inputs behind): their latency is not in the figures.");
        }
        var cpu = measurements.ToolUsage().CpuPercentOfOneCore;
        var cores = options.BotCpus is { } list && Cli.CpuList.TryParse(list, out var cpus, out _) ? cpus.Count : Environment.ProcessorCount;
        if (cpu > 80 * cores)
        {
            view.Warn($"the load tool used {cpu:0}% CPU of its {cores} core(s): it may be the bottleneck; use fewer players per tool or more --bot-cpus.");
        }
    }

    /// <summary>With --deltas on: a keyframe request is a server bug; no delta at all means the server or game sends none.</summary>
    private void WarnAboutDeltas(FleetTotals totals)
    {
        if (!options.DeltaSnapshots)
        {
            return;
        }
        if (totals.KeyframeRequests > 0)
        {
            view.Warn($"{totals.KeyframeRequests} keyframe requests: a delta snapshot did not apply to the last snapshot its player had, so the player "
                + "ignored deltas until a full one came. The server sends a delta only on top of the previous snapshot on that connection: this is a server bug.");
        }
        if (totals.Deltas == 0 && totals.Snapshots > 0)
        {
            view.Warn("--deltas on, but no snapshot came as a delta: the server speaks only gameserver.v1 (Edge:DeltaSnapshots=false, or a version "
                + $"without delta snapshots), or room type {options.RoomType} writes none. The figures are those of full snapshots.");
        }
    }

    private RunSettings Settings(int seed, bool spawnedServer) => new()
    {
        Url = options.Url.ToString(),
        Urls = [.. options.Urls.Select(u => u.ToString())],
        RoomType = options.RoomType,
        Game = options.Game == Bots.GameKind.Tag ? "tag" : "arena",
        DeltaSnapshots = options.DeltaSnapshots,
        Transport = options.Transport,
        Rooms = options.Rooms,
        PlayersPerRoom = options.PlayersPerRoom,
        InputRateHz = options.InputRateHz,
        RampSeconds = options.Ramp.TotalSeconds,
        WarmupSeconds = options.Warmup.TotalSeconds,
        DurationSeconds = options.Duration.TotalSeconds,
        ObserversPerRoom = options.ObserversPerRoom,
        Seed = seed,
        MachineCores = Environment.ProcessorCount,
        SpawnedServer = spawnedServer,
        ServerCpus = options.ServerCpus,
        BotCpus = options.BotCpus,
        TokenSource = tokens.Source,
        ServerSettings = [.. options.ServerSettings.Select(ServerSettings.Redact)],
    };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
