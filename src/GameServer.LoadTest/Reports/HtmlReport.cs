using System.Globalization;
using System.Text;
using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Results;
using GameServer.LoadTest.Slo;
using static GameServer.LoadTest.Reports.ReportFormat;

namespace GameServer.LoadTest.Reports;

/// <summary>
/// Renders a load-test result as one self-contained HTML page: verdict, key figures, charts and errors.
/// Charts are inline SVG drawn here, so the file opens offline, can be attached to a ticket and never fetches anything.
/// </summary>
internal static partial class HtmlReport
{
    private const string P50Color = "#2f6db3";
    private const string P99Color = "#d9822b";
    private const string MaxColor = "#a7a9b4";
    private const string TargetColor = "#c0392b";
    private const string ToolColor = "#7c5cbf";
    private const string ServerColor = "#2a9d8f";
    private const string ErrorColor = "#c0392b";
    private const string BarColor = "#6b8fc7";
    private const string ReconnectingColor = "#c0392b";
    private const string StalledColor = "#d9822b";

    /// <summary>Tool CPU above this share of its cores means the bots may be what limits the run.</summary>
    private const double ToolSaturationShare = 0.85;

    /// <summary>About one hover column per pixel of a full-width chart is as fine as a pointer can pick.</summary>
    private const int MaxHoverColumns = 900;

    public static string Render(LoadTestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);

        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>GameServer load test: ").Append(result.Slo.Passed ? "PASS" : "FAIL").Append(", ")
            .Append(Html(Timestamp(result.StartedAt))).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");

        AppendHeader(html, result);
        AppendVerdict(html, result.Slo);
        AppendKeyFigures(html, result);
        AppendLatency(html, result);
        AppendThroughput(html, result);
        AppendRecovery(html, result);
        AppendEdges(html, result);
        AppendErrors(html, result);
        AppendCpu(html, result);
        AppendSoak(html, result);
        AppendFooter(html, result);

        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendHeader(StringBuilder html, LoadTestResult result)
    {
        var s = result.Settings;
        html.Append("<header>\n<h1>GameServer load test</h1>\n<p class=\"subtitle\">")
            .Append(Html(Timestamp(result.StartedAt))).Append(" · ").Append(Html(s.Url)).Append("</p>\n<dl class=\"settings\">\n");

        Setting(html, "Started at", Timestamp(result.StartedAt));
        if (s.Urls is { Count: > 1 } urls)
        {
            Setting(html, "Server URLs", string.Join(" · ", urls) + " (bots spread evenly, rotating on reconnect)");
        }
        else
        {
            Setting(html, "Server URL", s.Url);
        }
        Setting(html, "Room type", s.RoomType + (s.Game is { } game ? $" (--game {game})" : ""));
        Setting(html, "Load", $"{Integer(s.Rooms)} rooms × {Integer(s.PlayersPerRoom)} players = {Integer((long)s.Rooms * s.PlayersPerRoom)}");
        Setting(html, "Observers", $"{Integer(s.ObserversPerRoom)} per room decode full state");
        if (s.DeltaSnapshots is { } deltas)
        {
            Setting(html, "Delta snapshots", deltas ? "on (gameserver.v2)" : "off (gameserver.v1, every snapshot in full)");
        }
        Setting(html, "Transport", s.Transport switch
        {
            null or "websocket" => "websocket",
            "sse" => "sse (SignalR hub, Server-Sent Events)",
            "longpolling" => "longpolling (SignalR hub, long polling)",
            var other => other,
        });
        Setting(html, "Input rate", Number(s.InputRateHz) + " Hz per player");
        Setting(html, "Durations", $"ramp {Seconds(s.RampSeconds)} · warm-up {Seconds(s.WarmupSeconds)} · measure {Seconds(s.DurationSeconds)}");
        Setting(html, "Elapsed", Seconds(result.ElapsedSeconds) + (result.Interrupted ? " (interrupted: stopped early)" : ""));
        Setting(html, "Measured", Seconds(result.Summary.MeasuredSeconds));
        Setting(html, "Seed", s.Seed.ToString(CultureInfo.InvariantCulture));
        Setting(html, "Spawned server", s.SpawnedServer ? "yes" : "no");
        if (s.ServerSettings is { Count: > 0 } serverSettings)
        {
            // Redacted again: a result file may have been written or edited by something other than this tool.
            Setting(html, "Server settings", string.Join(" · ", serverSettings.Select(Server.ServerSettings.Redact)));
        }
        if (s.TokenSource is not null)
        {
            Setting(html, "Player tokens", s.TokenSource);
        }
        Setting(html, "Machine CPUs", Integer(s.MachineCores) + " cores");
        if (s.ServerCpus is not null || s.BotCpus is not null)
        {
            Setting(html, "CPU pinning", $"server {s.ServerCpus ?? "any"} · bots {s.BotCpus ?? "any"}");
        }

        html.Append("</dl>\n</header>\n");
    }

    private static void Setting(StringBuilder html, string name, string value) =>
        html.Append("<div><dt>").Append(Html(name)).Append("</dt><dd>").Append(Html(value)).Append("</dd></div>\n");

    private static void AppendVerdict(StringBuilder html, SloVerdict slo)
    {
        var failed = slo.Checks.Count(c => !c.Passed);
        var cssClass = slo.Passed ? "pass" : "fail";
        var detail = slo.Checks.Count == 0
            ? "No SLO checks were configured."
            : slo.Passed
                ? $"All {slo.Checks.Count} SLO checks passed."
                : $"{failed} of {slo.Checks.Count} SLO checks failed.";

        html.Append("<section class=\"verdict ").Append(cssClass).Append("\">\n<div class=\"verdict-word\">")
            .Append(slo.Passed ? "PASS" : "FAIL").Append("</div>\n<div class=\"verdict-detail\">").Append(Html(detail))
            .Append("</div>\n</section>\n");

        if (slo.Checks.Count == 0)
        {
            return;
        }

        html.Append("<table class=\"slo\">\n<thead><tr><th>Check</th><th class=\"num\">Target</th><th class=\"num\">Actual</th>")
            .Append("<th>Unit</th><th>Result</th></tr></thead>\n<tbody>\n");
        foreach (var check in slo.Checks)
        {
            html.Append("<tr class=\"").Append(check.Passed ? "pass" : "fail").Append("\"><td>").Append(Html(check.Name))
                .Append("</td><td class=\"num\">").Append(Html(ComparisonSymbol(check.Comparison))).Append(' ').Append(Html(Number(check.Target)))
                .Append("</td><td class=\"num\">").Append(Html(Number(check.Actual)))
                .Append("</td><td>").Append(Html(check.Unit))
                .Append("</td><td><span class=\"badge ").Append(check.Passed ? "pass\">pass" : "fail\">FAIL").Append("</span></td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static string ComparisonSymbol(string comparison) => comparison switch
    {
        "<=" => "≤",
        ">=" => "≥",
        "==" => "=",
        "!=" => "≠",
        _ => comparison,
    };

    private static void AppendKeyFigures(StringBuilder html, LoadTestResult result)
    {
        var sum = result.Summary;
        var settings = result.Settings;
        html.Append("<h2>Key figures <small>measurement window only</small></h2>\n<div class=\"cards\">\n");

        Card(html, "Players joined", $"{Integer(sum.PlayersJoined)} / {Integer(sum.PlayersTarget)}",
            $"in {Integer(sum.RoomsJoined)} rooms · {Integer(sum.PlayersAcked)} got acks",
            sum.PlayersJoined < sum.PlayersTarget ? "warn" : null);

        var ack = sum.InputToAckMs;
        Card(html, "Input→ack p50", StatMs(ack, ack.P50), ack.Count == 0 ? "no samples" : "mean " + Ms(ack.Mean));
        Card(html, "Input→ack p90", StatMs(ack, ack.P90), "p99.9 " + StatMs(ack, ack.P999));
        var p99Check = FindAckP99Check(result.Slo);
        Card(html, "Input→ack p99", StatMs(ack, ack.P99),
            p99Check is null ? Integer(ack.Count) + " samples" : $"SLO {ComparisonSymbol(p99Check.Comparison)} {Ms(p99Check.Target)} · {Integer(ack.Count)} samples",
            p99Check is { Passed: false } ? "fail" : "key");
        Card(html, "Input→ack max", StatMs(ack, ack.Max), $"{Integer(sum.InputsAcked)} of {Integer(sum.InputsSent)} inputs acked");

        var excludingOutages = sum.SnapshotsPerSecondPerPlayerExcludingOutages;
        Card(html, "Snapshots/s per player", Number(sum.SnapshotsPerSecondPerPlayer),
            excludingOutages is { } rate && Math.Abs(rate - sum.SnapshotsPerSecondPerPlayer) >= 0.0005
                ? $"{Number(rate)} outside outages (the SLO's figure)"
                : "received at each client");
        Card(html, "Bytes/s per player", KilobytesPerSecond(sum.BytesPerSecondPerPlayer),
            $"{Integer((long)Math.Round(sum.BytesPerSecondPerPlayer))} B/s · all players ≈ "
            + Number(sum.BytesPerSecondPerPlayer * sum.PlayersJoined * 8 / 1_000_000) + " Mbit/s");
        if (sum.DeltaShare is { } deltaShare)
        {
            var keyframes = sum.KeyframeRequests ?? 0;
            if (settings.DeltaSnapshots == false)
            {
                Card(html, "Snapshots as deltas", "off", "--deltas off: every snapshot in full");
            }
            else
            {
                Card(html, "Snapshots as deltas", Fraction(deltaShare), Integer(keyframes) + " keyframe requests" + (keyframes > 0 ? " (should be 0)" : ""),
                    keyframes > 0 ? "fail" : null);
            }
        }

        if (settings.Game == "tag" || sum.GameEventsReceived > 0 || result.Errors.JoinRefusals > 0)
        {
            Card(html, "Game events/s", Number(sum.GameEventsPerSecond ?? 0),
                $"{Integer(sum.GameEventsReceived ?? 0)} in the window, all players · {Integer(result.Errors.JoinRefusals)} joins refused by the game",
                result.Errors.JoinRefusals > 0 ? "fail" : null);
        }

        var interval = sum.SnapshotIntervalMs;
        Card(html, "Snapshot interval p50 / p99",
            interval.Count == 0 ? "–" : $"{Number(interval.P50)} / {Number(interval.P99)} ms",
            "jitter (std dev) " + Ms(sum.SnapshotJitterMs));

        Card(html, "Connect p50 / p99", StatPair(sum.ConnectMs), Integer(sum.ConnectMs.Count) + " connects · max " + StatMs(sum.ConnectMs, sum.ConnectMs.Max));
        Card(html, "Join p50 / p99", StatPair(sum.JoinMs), Integer(sum.JoinMs.Count) + " joins · max " + StatMs(sum.JoinMs, sum.JoinMs.Max));

        Card(html, "Error rate", Fraction(sum.ErrorRate), Integer(result.Errors.Total) + " errors in the whole run",
            sum.ErrorRate > 0 ? "warn" : null);

        var toolCores = CountCpus(settings.BotCpus) ?? settings.MachineCores;
        var toolShare = toolCores > 0 ? result.Tool.CpuPercentOfOneCore / (toolCores * 100.0) : 0;
        var toolSaturated = toolShare >= ToolSaturationShare;
        Card(html, "Tool CPU", Percent(result.Tool.CpuPercentOfOneCore),
            $"{Fraction(toolShare)} of its {Integer(toolCores)} cores · RSS {Number(result.Tool.RssMb)} MB",
            toolSaturated ? "warn" : null);

        if (result.Server is { } server)
        {
            Card(html, "Server CPU", Percent(server.CpuPercentOfOneCore), $"RSS {Number(server.RssMb)} MB · pid {Integer(server.Pid)}");
            Card(html, "Server context switches", server.ContextSwitchesPerSecond is { } switches ? Number(switches) + " /s" : "–",
                server.ContextSwitchesPerSecond is null
                    ? "not measured (no /proc task counts)"
                    : $"{Number(server.VoluntaryContextSwitchesPerSecond ?? 0)} voluntary · {Number(server.NonvoluntaryContextSwitchesPerSecond ?? 0)} nonvoluntary"
                        + (server.ContextSwitchesPerSecondPerPlayer is { } perPlayer ? $" · {Number(perPlayer)} /s per player" : string.Empty));
            Card(html, "Server GC collections", server.GcCollectionsPerSecond is { } gc ? $"gen0 {Number(gc.Gen0)} /s" : "–",
                server.GcCollectionsPerSecond is { } g
                    ? $"gen1 {Number(g.Gen1)} /s · gen2 {Number(g.Gen2)} /s"
                    : "not measured: the server's /metrics did not answer");
        }
        else
        {
            Card(html, "Server CPU", "–", "not measured: use --spawn-server or --server-pid");
        }

        html.Append("</div>\n<p class=\"note").Append(toolSaturated ? " warn" : string.Empty).Append("\">");
        if (toolSaturated)
        {
            html.Append("<strong>The load tool was near the limit of its CPUs.</strong> ");
        }

        html.Append("CPU is % of one core (200 % = two cores busy). Tool CPU near 100 % of its cores means the bots, not the server, ")
            .Append("may be the limit: latency and snapshot rates then include the bots' own queueing. ")
            .Append("Run the bots on other cores (--bot-cpus) or another machine.</p>\n");
    }

    private static void Card(StringBuilder html, string label, string value, string detail, string? cssClass = null)
    {
        html.Append("<div class=\"card").Append(cssClass is null ? string.Empty : " " + cssClass).Append("\"><div class=\"card-label\">")
            .Append(Html(label)).Append("</div><div class=\"card-value\">").Append(Html(value))
            .Append("</div><div class=\"card-detail\">").Append(Html(detail)).Append("</div></div>\n");
    }

    private static string StatMs(LatencyStats stats, double value) => stats.Count == 0 ? "–" : Ms(value);

    private static string StatPair(LatencyStats stats) =>
        stats.Count == 0 ? "–" : $"{Number(stats.P50)} / {Number(stats.P99)} ms";

    /// <summary>Counts a Linux CPU list such as "0-3,6"; null when absent or unreadable.</summary>
    internal static int? CountCpus(string? cpuList)
    {
        if (string.IsNullOrWhiteSpace(cpuList))
        {
            return null;
        }

        var count = 0;
        foreach (var part in cpuList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-');
            if (range.Length == 1 && int.TryParse(range[0], CultureInfo.InvariantCulture, out _))
            {
                count++;
            }
            else if (range.Length == 2
                && int.TryParse(range[0], CultureInfo.InvariantCulture, out var from)
                && int.TryParse(range[1], CultureInfo.InvariantCulture, out var to)
                && to >= from)
            {
                count += to - from + 1;
            }
            else
            {
                return null;
            }
        }

        return count > 0 ? count : null;
    }

    private static void AppendLatency(StringBuilder html, LoadTestResult result)
    {
        var timeline = result.Timeline;
        var target = FindAckP99Check(result.Slo)?.Target;
        html.Append("<h2>Input→ack latency</h2>\n");

        // The max line can spike to seconds on one hiccup; cap the axis so p50/p99 stay readable.
        var p99Peak = timeline.Select(b => b.LatencyP99Ms ?? 0).DefaultIfEmpty(0).Max();
        var cap = Math.Max(p99Peak, target ?? 0) * 2;
        var maxPeak = timeline.Select(b => b.LatencyMaxMs ?? 0).DefaultIfEmpty(0).Max();
        var capped = cap > 0 && maxPeak > cap;

        var chart = TimeChart(result, "Input to ack latency per second", "latency (ms)", capped ? cap : null);
        chart.AddLine("p50", P50Color, Points(timeline, b => b.LatencyP50Ms));
        chart.AddLine("p99", P99Color, Points(timeline, b => b.LatencyP99Ms));
        chart.AddLine("max", MaxColor, Points(timeline, b => b.LatencyMaxMs));
        if (target is { } t)
        {
            chart.AddHorizontalRule("SLO p99 ≤ " + Ms(t), t, TargetColor);
        }

        AddHovers(chart, timeline, b =>
            $"p50 {OptionalMs(b.LatencyP50Ms)}, p99 {OptionalMs(b.LatencyP99Ms)}, max {OptionalMs(b.LatencyMaxMs)}; {Integer(b.Acks)} acks");

        var note = timeline.Count == 0 ? null : "Per-second percentiles over the whole run; gaps are seconds without acks.";
        if (capped)
        {
            note += $" The axis is cut at {Ms(cap)}: the max reached {Ms(maxPeak)} (hover for values).";
        }

        Figure(html, "Latency over time", chart.Render(), note);

        AppendHistogram(html, result, target);
    }

    private static void AppendHistogram(StringBuilder html, LoadTestResult result, double? target)
    {
        var ack = result.Summary.InputToAckMs;
        var bins = result.LatencyHistogram.Where(b => b.Count > 0 && b.ToMs > b.FromMs).OrderBy(b => b.FromMs).ToList();

        // A long tail would squeeze the bulk into a few pixels; beyond a cut-off the bins are counted, not drawn.
        var cut = bins.Count == 0 ? 0 : Math.Max(Math.Max(ack.P999, ack.P99 * 1.5), target ?? 0) * 1.1;
        var lastTo = bins.Count == 0 ? 0 : bins.Max(b => b.ToMs);
        var xMax = cut > 0 && lastTo > cut ? cut : lastTo;
        var beyond = bins.Where(b => b.FromMs >= xMax).Sum(b => b.Count);

        var chart = new SvgChart("Input to ack latency histogram", "input→ack latency (ms)", "acks")
        {
            XMin = 0,
            XMax = bins.Count == 0 ? null : xMax,
            IntegerY = true,
            NoDataText = "no data: no acks in the measurement window",
        };
        chart.AddBars("acks per bin", BarColor, bins
            .Select(b => new SvgChart.Bar(b.FromMs, b.ToMs, b.Count, $"{Number(b.FromMs)}–{Number(b.ToMs)} ms: {Integer(b.Count)} acks"))
            .ToList());
        if (ack.Count > 0)
        {
            chart.AddVerticalRule("p50 " + Ms(ack.P50), ack.P50, P50Color);
            chart.AddVerticalRule("p99 " + Ms(ack.P99), ack.P99, P99Color);
        }

        if (target is { } t)
        {
            chart.AddVerticalRule("SLO " + Ms(t), t, TargetColor);
        }

        var note = "Distribution over the measurement window.";
        if (beyond > 0)
        {
            note += $" {Integer(beyond)} acks above {Ms(xMax)} are not drawn (max {Ms(ack.Max)}).";
        }

        Figure(html, "Latency distribution", chart.Render(), note);
    }

    /// <summary>
    /// The input→ack p99 check, whose target is drawn as a reference line. Check names are free text, so prefer one
    /// naming the ack and never pick another p99 (snapshot interval, connect) by mistake; none found means no line.
    /// </summary>
    internal static SloCheck? FindAckP99Check(SloVerdict slo)
    {
        var p99 = slo.Checks.Where(c => c.Name.Contains("p99", StringComparison.OrdinalIgnoreCase) && double.IsFinite(c.Target)).ToList();
        var ack = p99.FirstOrDefault(c => c.Name.Contains("ack", StringComparison.OrdinalIgnoreCase))
            ?? p99.FirstOrDefault(c => c.Name.Contains("latency", StringComparison.OrdinalIgnoreCase)
                && !c.Name.Contains("connect", StringComparison.OrdinalIgnoreCase)
                && !c.Name.Contains("join", StringComparison.OrdinalIgnoreCase));
        return ack;
    }

    private static void AppendThroughput(StringBuilder html, LoadTestResult result)
    {
        var timeline = result.Timeline;
        html.Append("<h2>Throughput and players</h2>\n<div class=\"grid2\">\n");

        var snapshots = TimeChart(result, "Snapshots per second per player", "snapshots/s per player", halfWidth: true);
        snapshots.AddLine("snapshots/s per player", P50Color, Points(timeline, b => b.SnapshotsPerSecondPerPlayer));
        AddHovers(snapshots, timeline, b => $"{Number(b.SnapshotsPerSecondPerPlayer)} snapshots/s per player");
        Figure(html, "Snapshots/s per player", snapshots.Render(), null);

        var bytes = TimeChart(result, "Kilobytes per second per player", "kB/s per player", halfWidth: true);
        bytes.AddLine("kB/s per player", ServerColor, Points(timeline, b => b.BytesPerSecondPerPlayer / 1000));
        AddHovers(bytes, timeline, b => $"{KilobytesPerSecond(b.BytesPerSecondPerPlayer)} per player");
        Figure(html, "Received kB/s per player", bytes.Render(), "WebSocket frame bytes, 1 kB = 1000 bytes.");

        html.Append("</div>\n");

        var players = TimeChart(result, "Connected players", "players", integerY: true);
        players.AddLine("connected players", ToolColor, Points(timeline, b => b.ConnectedPlayers));
        players.AddHorizontalRule("target " + Integer(result.Summary.PlayersTarget), result.Summary.PlayersTarget, MaxColor);
        AddHovers(players, timeline, b => $"{Integer(b.ConnectedPlayers)} players, {Integer(b.InputsSent)} inputs sent, {Integer(b.Acks)} acks");
        Figure(html, "Connected players", players.Render(), null);
    }

    /// <summary>Drops, stalls and room restores, shown only when there was at least one (see <see cref="RecoveryMath.AnyEvent"/>).</summary>
    private static void AppendRecovery(StringBuilder html, LoadTestResult result)
    {
        if (result.Recovery is not { } r || !RecoveryMath.AnyEvent(r))
        {
            return;
        }

        var joined = result.Summary.PlayersJoined;
        var failed = result.Slo.Checks.Where(c => !c.Passed).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        html.Append("<h2>Recovery <small>whole run: drops, stalls, room restores</small></h2>\n<div class=\"cards\">\n");

        Card(html, "Players dropped", $"{Integer(r.BotsDropped)} / {Integer(joined)}",
            $"{Integer(r.Drops)} drops · {Integer(r.Reconnects)} reconnects", r.BotsDropped > 0 ? "warn" : null);
        Card(html, "Resumed every drop", Percent(r.BotsResumedPercent),
            $"{Integer(r.Resumes)} resumes · {Integer(r.ResumeFailures)} failed",
            failed.Contains(SloEvaluator.ResumedCheck) ? "fail" : r.BotsResumedPercent < 100 ? "warn" : null);
        Card(html, "Outage p50 / p99", r.OutageMs.Count == 0 ? "–" : $"{Number(r.OutageMs.P50)} / {Number(r.OutageMs.P99)} ms",
            r.OutageMs.Count == 0 ? "no resumed drops" : $"drop to resumed welcome · max {Ms(r.OutageMs.Max)}");
        Card(html, "Longest snapshot gap", Ms(r.MaxSnapshotGapMs), $"{Integer(r.SnapshotGapsOver1s)} gaps over 1 s",
            failed.Contains(SloEvaluator.RecoveryCheck) ? "fail" : r.SnapshotGapsOver1s > 0 ? "warn" : null);
        Card(html, "Rooms restored", Integer(r.RoomsRestored),
            $"at most {Integer(r.TicksReplayedMax)} ticks replayed" + (r.SnapshotsOutOfOrder > 0 ? $" · {Integer(r.SnapshotsOutOfOrder)} late snapshots (not restores)" : ""),
            r.RoomsRestored > 0 ? "warn" : null);
        Card(html, "Game time lost max / p50", r.Restores.Count == 0 ? "–" : $"{Number(r.GameTimeLostMs.Max)} / {Number(r.GameTimeLostMs.P50)} ms",
            "per restore: ticks replayed ÷ tick rate", failed.Contains(SloEvaluator.GameTimeLostCheck) ? "fail" : null);
        Card(html, "In a room at the end", $"{Integer(r.BotsInRoomAtEnd)} / {Integer(joined)}", "seated and receiving snapshots in the last 2 s",
            r.BotsInRoomAtEnd < joined ? "warn" : null);
        Card(html, "Inputs dropped", Integer(r.InputsDropped), $"while reconnecting · {Integer(r.InputsRolledBack)} acked, then rolled back by restores · {Integer(r.AcksNotTimed)} acks not timed");
        html.Append("</div>\n");

        var seconds = result.Timeline.ToDictionary(b => b.Second);
        var chart = TimeChart(result, "Players reconnecting and stalled per second", "players", integerY: true);
        chart.AddLine("reconnecting", ReconnectingColor, r.Timeline.Select(b => new SvgChart.Point(b.Second + 0.5, b.Reconnecting)).ToList());
        chart.AddLine("stalled (no snapshot for > 1 s)", StalledColor, r.Timeline.Select(b => new SvgChart.Point(b.Second + 0.5, b.Stalled)).ToList());
        var stride = Math.Max(1, (int)Math.Ceiling(r.Timeline.Count / (double)MaxHoverColumns));
        for (var i = 0; i < r.Timeline.Count; i += stride)
        {
            var b = r.Timeline[i];
            var phase = seconds.TryGetValue(b.Second, out var bucket) ? PhaseLabel(bucket.Phase) : "";
            chart.AddHover(b.Second, b.Second + stride, $"{b.Second} s ({phase}): {Integer(b.Reconnecting)} reconnecting, {Integer(b.Stalled)} stalled");
        }
        Figure(html, "Players reconnecting and stalled", chart.Render(),
            "Players reconnecting at any moment of the second, and players in a room without a snapshot for over 1 s at any moment of it "
            + "(reconnecting players count as stalled too once their gap passes 1 s). A silo lost: stalled with no reconnects. An edge lost: reconnects.");

        if (r.Restores.Count > 0)
        {
            html.Append("<table>\n<thead><tr><th>Room restored</th><th class=\"num\">Last tick before</th><th class=\"num\">First tick after</th>")
                .Append("<th class=\"num\">Ticks replayed</th><th class=\"num\">Tick rate</th><th class=\"num\">Game time lost</th></tr></thead>\n<tbody>\n");
            foreach (var restore in r.Restores)
            {
                html.Append("<tr><td>").Append(Html(restore.RoomId))
                    .Append("</td><td class=\"num\">").Append(Integer(restore.LastTickBefore))
                    .Append("</td><td class=\"num\">").Append(Integer(restore.FirstTickAfter))
                    .Append("</td><td class=\"num\">").Append(Integer(restore.TicksReplayed))
                    .Append("</td><td class=\"num\">").Append(Integer(restore.TickRateHz)).Append(" Hz")
                    .Append("</td><td class=\"num\">").Append(Html(Ms(restore.GameTimeLostMs))).Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
        }
    }

    /// <summary>Per-edge players, drops and reconnects; only when the run used more than one edge.</summary>
    private static void AppendEdges(StringBuilder html, LoadTestResult result)
    {
        if (result.Edges is not { Count: > 1 } edges)
        {
            return;
        }
        html.Append("<h2>Edges <small>where the players connected, dropped and came back</small></h2>\n<table>\n<thead><tr><th>Edge</th>")
            .Append("<th class=\"num\">Connected first</th><th class=\"num\">Drops</th><th class=\"num\">Reconnects in</th><th class=\"num\">Seated at the end</th></tr></thead>\n<tbody>\n");
        foreach (var edge in edges)
        {
            html.Append("<tr><td>").Append(Html(edge.Url))
                .Append("</td><td class=\"num\">").Append(Integer(edge.PlayersConnected))
                .Append("</td><td class=\"num\">").Append(Integer(edge.Drops))
                .Append("</td><td class=\"num\">").Append(Integer(edge.ReconnectsIn))
                .Append("</td><td class=\"num\">").Append(Integer(edge.PlayersAtEnd)).Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendErrors(StringBuilder html, LoadTestResult result)
    {
        var errors = result.Errors;
        var timeline = result.Timeline;
        html.Append("<h2>Errors</h2>\n");

        var chart = TimeChart(result, "Errors per second", "errors", integerY: true);
        chart.AddBars("errors", ErrorColor, timeline
            .Select(b => new SvgChart.Bar(b.Second, b.Second + 1, b.Errors, $"{b.Second} s ({b.Phase}): {Integer(b.Errors)} errors"))
            .ToList());
        Figure(html, "Errors over time", chart.Render(), errors.Total == 0 ? "No errors in this run." : null);

        html.Append("<div class=\"grid2 tables\">\n<table>\n<thead><tr><th>Kind</th><th class=\"num\">Count</th></tr></thead>\n<tbody>\n");
        CountRow(html, "Connect failures", errors.ConnectFailures);
        CountRow(html, "Join failures", errors.JoinFailures);
        CountRow(html, "Disconnects", errors.Disconnects);
        CountRow(html, "Protocol errors", errors.ProtocolErrors);
        html.Append("<tr class=\"total\"><td>Total</td><td class=\"num\">").Append(Integer(errors.Total)).Append("</td></tr>\n</tbody>\n</table>\n");

        html.Append("<div>\n");
        CountTable(html, "Close code", errors.CloseCodes);
        CountTable(html, "Error code", errors.ErrorCodes);
        html.Append("</div>\n</div>\n");

        if (errors.Samples.Count > 0)
        {
            html.Append("<h3>Sample messages</h3>\n<ol class=\"samples\">\n");
            foreach (var sample in errors.Samples)
            {
                html.Append("<li><code>").Append(Html(sample)).Append("</code></li>\n");
            }

            html.Append("</ol>\n");
        }
    }

    private static void CountRow(StringBuilder html, string name, long count) =>
        html.Append("<tr").Append(count > 0 ? " class=\"nonzero\"" : string.Empty).Append("><td>").Append(Html(name))
            .Append("</td><td class=\"num\">").Append(Integer(count)).Append("</td></tr>\n");

    private static void CountTable(StringBuilder html, string keyName, IReadOnlyDictionary<string, long> counts)
    {
        if (counts.Count == 0)
        {
            html.Append("<p class=\"muted\">No ").Append(Html(keyName.ToLowerInvariant())).Append("s.</p>\n");
            return;
        }

        html.Append("<table>\n<thead><tr><th>").Append(Html(keyName)).Append("</th><th class=\"num\">Count</th></tr></thead>\n<tbody>\n");
        foreach (var (key, count) in counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            CountRow(html, key, count);
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendCpu(StringBuilder html, LoadTestResult result)
    {
        var timeline = result.Timeline;
        html.Append("<h2>CPU</h2>\n");

        var chart = TimeChart(result, "CPU usage per second", "% of one core");
        chart.AddLine("load tool", ToolColor, Points(timeline, b => b.ToolCpuPercent));
        var hasServer = timeline.Any(b => b.ServerCpuPercent.HasValue);
        if (hasServer)
        {
            chart.AddLine("server", ServerColor, Points(timeline, b => b.ServerCpuPercent));
        }

        AddHovers(chart, timeline, b =>
            $"tool {Percent(b.ToolCpuPercent)}" + (b.ServerCpuPercent is { } s ? $", server {Percent(s)}" : string.Empty));
        Figure(html, "Tool and server CPU", chart.Render(),
            hasServer ? "100 % = one core busy." : "100 % = one core busy. Server CPU was not measured (no server PID).");
    }

    private static void AppendFooter(StringBuilder html, LoadTestResult result)
    {
        html.Append("<footer>\n<h2>How to read this report</h2>\n<ul>\n")
            .Append("<li><b>Input→ack latency</b> runs from the moment a bot sends input <i>s</i> to the first snapshot that ")
            .Append("acknowledges input <i>s</i> or later for that player, timed at the client. It includes the network both ways, ")
            .Append("the wait for the next server tick and the snapshot's encoding and delivery. At the default 20 Hz tick rate ")
            .Append("up to one tick (50 ms) of waiting for the next tick is normal, so the floor is a few ms and ")
            .Append("p50 sits near half a tick plus the round trip.</li>\n")
            .Append("<li><b>Cards, the SLO verdict and the histogram</b> cover the measurement window only. Time charts show ")
            .Append("the whole run in one-second steps, with the ramp (players connecting) and warm-up (not measured) shaded; ")
            .Append("gaps are seconds without data. Hover a chart for each second's values.</li>\n")
            .Append("<li><b>Snapshots/s and bytes/s</b> are per player as received by the client; bytes are WebSocket frame bytes.</li>\n")
            .Append("<li><b>Error rate</b> is players that met any error (connect or join failure, unexpected close, error message) ")
            .Append("divided by target players.</li>\n")
            .Append("<li><b>Recovery</b> (shown when a connection dropped, snapshots stalled for over 1 s, or a room was restored) covers ")
            .Append("the whole run. A drop the SDK recovers from (reconnect and resume the seat) is not an error; a refused resume or ")
            .Append("giving up is. Outage: drop to resumed welcome. Snapshot gap: wall time between two snapshots at one player, the ")
            .Append("recovery time of a lost silo. Game time lost: ticks a restored room replayed ÷ tick rate. The snapshot-rate SLO ")
            .Append("leaves each player's outage time out.</li>\n")
            .Append("<li><b>CPU</b> is % of one core from /proc. If the tool's CPU nears 100 % of its cores, the bots are ")
            .Append("the bottleneck and the figures understate what the server can do.</li>\n")
            .Append("<li><b>Server context switches</b> are summed over the server's threads from /proc, over the window: voluntary when a ")
            .Append("thread blocked or waited, nonvoluntary when it was preempted. More per player at the same load means more ")
            .Append("blocking, wake-ups or contention. <b>Server GC collections</b> come from the server's /metrics at the window's start ")
            .Append("and end, by the oldest generation collected; gen2 collections are the expensive ones.</li>\n</ul>\n<p class=\"muted\">Schema ")
            .Append(Html(result.Schema)).Append(" · generated by gameserver-loadtest</p>\n</footer>\n");
    }

    /// <summary>A chart over the whole run's seconds with the run phases shaded and labelled.</summary>
    private static SvgChart TimeChart(
        LoadTestResult result, string ariaLabel, string yLabel, double? yCap = null, bool halfWidth = false, bool integerY = false)
    {
        var timeline = result.Timeline;
        var chart = new SvgChart(ariaLabel, "seconds since start", yLabel)
        {
            Width = halfWidth ? 560 : 960,
            XMin = timeline.Count == 0 ? null : timeline.Min(b => b.Second),
            XMax = timeline.Count == 0 ? null : timeline.Max(b => b.Second) + 1,
            YCap = yCap,
            IntegerY = integerY,
            NoDataText = "no data: the timeline is empty",
        };

        foreach (var (phase, from, to) in PhaseRuns(timeline))
        {
            chart.AddBand(from, to, PhaseLabel(phase), PhaseFill(phase));
        }

        return chart;
    }

    /// <summary>Consecutive buckets of one phase, as [from, to) second ranges.</summary>
    private static List<(string Phase, int From, int To)> PhaseRuns(IReadOnlyList<TimelineBucket> timeline)
    {
        var runs = new List<(string Phase, int From, int To)>();
        foreach (var bucket in timeline.OrderBy(b => b.Second))
        {
            if (runs.Count > 0 && runs[^1].Phase == bucket.Phase && runs[^1].To == bucket.Second)
            {
                runs[^1] = runs[^1] with { To = bucket.Second + 1 };
            }
            else
            {
                runs.Add((bucket.Phase, bucket.Second, bucket.Second + 1));
            }
        }

        return runs;
    }

    private static string PhaseLabel(string phase) => phase switch
    {
        "ramp" => "ramp",
        "warmup" => "warm-up",
        "measure" => "measure",
        _ => phase,
    };

    private static string PhaseFill(string phase) => phase switch
    {
        "ramp" => "#fbf0dc",
        "warmup" => "#e9eef6",
        "measure" => "#ffffff",
        _ => "#f3f3f3",
    };

    private static List<SvgChart.Point> Points(IReadOnlyList<TimelineBucket> timeline, Func<TimelineBucket, double?> value) =>
        timeline.Select(b => new SvgChart.Point(b.Second + 0.5, value(b))).ToList();

    private static void AddHovers(SvgChart chart, IReadOnlyList<TimelineBucket> timeline, Func<TimelineBucket, string> text)
    {
        // Long soak runs would add thousands of sub-pixel columns per chart; hover every k-th second instead.
        var ordered = timeline.OrderBy(b => b.Second).ToList();
        var stride = Math.Max(1, (int)Math.Ceiling(ordered.Count / (double)MaxHoverColumns));
        for (var i = 0; i < ordered.Count; i += stride)
        {
            var bucket = ordered[i];
            chart.AddHover(bucket.Second, bucket.Second + stride, $"{bucket.Second} s ({PhaseLabel(bucket.Phase)}): {text(bucket)}");
        }
    }

    private static string OptionalMs(double? value) => value is { } v ? Ms(v) : "–";

    private static void Figure(StringBuilder html, string caption, string svg, string? note)
    {
        html.Append("<figure>\n<figcaption>").Append(Html(caption)).Append("</figcaption>\n").Append(svg).Append('\n');
        if (note is not null)
        {
            html.Append("<p class=\"chart-note\">").Append(Html(note)).Append("</p>\n");
        }

        html.Append("</figure>\n");
    }

    private const string Css = """

        :root { --fg: #1f2430; --muted: #6b7280; --line: #e3e6ec; --bg: #f6f7f9; --card: #fff;
                --pass: #1e7b4d; --pass-bg: #e3f4ea; --fail: #b42318; --fail-bg: #fde8e6; --warn: #9a5b00; --warn-bg: #fff4e0; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--fg);
               font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 40px; }
        h1 { margin: 0; font-size: 26px; }
        h2 { margin: 32px 0 12px; font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        h2 small { font-weight: normal; color: var(--muted); font-size: 13px; }
        h3 { font-size: 15px; margin: 18px 0 6px; }
        .subtitle, .muted { color: var(--muted); margin: 2px 0 12px; }
        .settings { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 6px 18px; margin: 0; }
        .settings dt { color: var(--muted); font-size: 12px; }
        .settings dd { margin: 0; overflow-wrap: anywhere; }
        .verdict { display: flex; align-items: center; gap: 18px; margin: 22px 0 12px; padding: 14px 20px; border-radius: 10px; }
        .verdict.pass { background: var(--pass-bg); color: var(--pass); border: 1px solid #b7e2c8; }
        .verdict.fail { background: var(--fail-bg); color: var(--fail); border: 1px solid #f5bdb6; }
        .verdict-word { font-size: 40px; font-weight: 800; letter-spacing: 2px; }
        .verdict-detail { font-size: 16px; }
        table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); margin-bottom: 12px; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); }
        th { background: #f0f2f5; font-size: 12px; color: var(--muted); font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.fail td { background: #fff6f5; }
        tr.nonzero td { color: var(--fail); }
        tr.total td { font-weight: 600; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 9px; font-size: 12px; font-weight: 600; }
        .badge.pass { background: var(--pass-bg); color: var(--pass); }
        .badge.fail { background: var(--fail); color: #fff; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
        .card.key { border-color: #9db7de; box-shadow: inset 3px 0 0 #2f6db3; }
        .card.warn { background: var(--warn-bg); border-color: #f0cf95; }
        .card.fail { background: var(--fail-bg); border-color: #f5bdb6; box-shadow: inset 3px 0 0 var(--fail); }
        .cards + figure { margin-top: 14px; }
        .card-label { color: var(--muted); font-size: 12px; }
        .card-value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; margin: 2px 0; }
        .card-detail { color: var(--muted); font-size: 12px; }
        .note { color: var(--muted); font-size: 13px; margin: 10px 0 0; }
        .note.warn { color: var(--warn); background: var(--warn-bg); padding: 8px 12px; border-radius: 6px; }
        figure { margin: 0 0 14px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px 6px;
                 overflow-x: auto; }
        figcaption { font-weight: 600; margin-bottom: 2px; }
        .chart-note { color: var(--muted); font-size: 12px; margin: 0 0 4px; }
        .grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; }
        .grid2 > figure { margin-bottom: 0; }
        .grid2 + figure { margin-top: 14px; }
        .tables { align-items: start; margin-top: 14px; }
        .samples code { white-space: pre-wrap; overflow-wrap: anywhere; background: #f0f2f5; padding: 1px 4px; border-radius: 4px; }
        svg.chart { display: block; height: auto; font-size: 11px; min-width: 520px; }
        svg .plot { fill: #fafbfc; stroke: var(--line); }
        svg .grid { stroke: #eceef2; }
        svg .axis { stroke: #9aa1ad; }
        svg .tick { fill: #6b7280; }
        svg .axis-label { fill: #4b5260; font-size: 12px; }
        svg .band { fill: #8a8f99; font-size: 11px; font-style: italic; }
        svg .series { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
        svg .rule { stroke-width: 1.4; stroke-dasharray: 6 4; }
        svg .rule-label { font-size: 11px; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
        svg .legend { fill: #3b4150; font-size: 12px; }
        svg .legend-line { stroke-width: 2.5; }
        svg .nodata { fill: #9aa1ad; font-size: 15px; }
        svg .hover { fill: transparent; }
        svg .hover:hover { fill: rgba(31, 36, 48, 0.07); }
        footer { margin-top: 36px; color: #3b4150; }
        footer li { margin-bottom: 6px; }
        @media (max-width: 520px) { .grid2 { grid-template-columns: 1fr; } .verdict-word { font-size: 30px; } }

        """;
}
