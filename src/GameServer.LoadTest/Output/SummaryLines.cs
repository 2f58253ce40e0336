using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Output;

/// <summary>The run's key figures as short "name: value" lines, shared by both views.</summary>
internal static class SummaryLines
{
    public static IEnumerable<string> For(LoadTestResult result)
    {
        var s = result.Summary;
        var l = s.InputToAckMs;
        yield return $"players: {s.PlayersJoined}/{s.PlayersTarget} joined in {s.RoomsJoined} rooms, {s.PlayersAcked} acked in the window, "
            + $"transport {result.Settings.Transport ?? "websocket"}";
        yield return $"window: {ConsoleFormat.F(s.MeasuredSeconds)} s, {s.InputsSent} inputs sent, {s.InputsAcked} acked";
        yield return $"input→ack: p50 {ConsoleFormat.Ms(l.P50)}  p90 {ConsoleFormat.Ms(l.P90)}  p99 {ConsoleFormat.Ms(l.P99)}  p99.9 {ConsoleFormat.Ms(l.P999)}  max {ConsoleFormat.Ms(l.Max)}  mean {ConsoleFormat.Ms(l.Mean)}";
        yield return $"snapshots: {ConsoleFormat.F(s.SnapshotsPerSecondPerPlayer, "0.00")}/s per player, interval p50 {ConsoleFormat.Ms(s.SnapshotIntervalMs.P50)} p99 {ConsoleFormat.Ms(s.SnapshotIntervalMs.P99)}, jitter {ConsoleFormat.Ms(s.SnapshotJitterMs)}, {ConsoleFormat.F(s.BytesPerSecondPerPlayer / 1000, "0.00")} kB/s per player";
        if (s.DeltaShare is { } share)
        {
            yield return result.Settings.DeltaSnapshots == false
                ? "deltas: off (--deltas off): every snapshot in full, gameserver.v1"
                : $"deltas: {ConsoleFormat.F(share * 100, "0.0")}% of the snapshots, {s.KeyframeRequests ?? 0} keyframe requests"
                    + (s.KeyframeRequests > 0 ? " (should be 0: a delta did not apply to the player's last snapshot)" : "");
        }
        if (result.Settings.Game == "tag" || s.GameEventsReceived > 0 || result.Errors.JoinRefusals > 0)
        {
            yield return $"game events: {ConsoleFormat.F(s.GameEventsPerSecond ?? 0, "0.00")}/s ({s.GameEventsReceived ?? 0} in the window, all players); "
                + $"joins refused by the game: {result.Errors.JoinRefusals}; players whose room the game ended: {s.PlayersLeftByRoomEnd ?? 0}";
        }
        yield return $"connect: p50 {ConsoleFormat.Ms(s.ConnectMs.P50)} p99 {ConsoleFormat.Ms(s.ConnectMs.P99)}; join: p50 {ConsoleFormat.Ms(s.JoinMs.P50)} p99 {ConsoleFormat.Ms(s.JoinMs.P99)}";
        var e = result.Errors;
        yield return $"errors: {e.Total} (connect {e.ConnectFailures}, join {e.JoinFailures}, disconnects {e.Disconnects}, protocol {e.ProtocolErrors}), error rate {ConsoleFormat.F(s.ErrorRate * 100, "0.##")}%"
            + (e.CloseCodes.Count > 0 ? ", close codes " + string.Join(", ", e.CloseCodes.Select(c => $"{c.Key}×{c.Value}")) : "")
            + (e.ErrorCodes.Count > 0 ? ", error codes " + string.Join(", ", e.ErrorCodes.Select(c => $"{c.Key}×{c.Value}")) : "");
        if (result.Recovery is { } r && RecoveryMath.AnyEvent(r))
        {
            yield return $"recovery: {r.BotsDropped} of {s.PlayersJoined} players dropped ({r.Drops} drops, {r.Reconnects} reconnects, {r.Resumes} resumes, "
                + $"{r.ResumeFailures} resume failures), {ConsoleFormat.F(r.BotsResumedPercent, "0.##")}% resumed every drop";
            yield return r.OutageMs.Count == 0
                ? "outages: none resumed"
                : $"outages: p50 {ConsoleFormat.Ms(r.OutageMs.P50)}  p99 {ConsoleFormat.Ms(r.OutageMs.P99)}  max {ConsoleFormat.Ms(r.OutageMs.Max)} (drop to resumed welcome, {r.OutageMs.Count} resumed drops)";
            yield return $"snapshot gaps: max {ConsoleFormat.Ms(r.MaxSnapshotGapMs)}, {r.SnapshotGapsOver1s} over 1 s; snapshots/s per player outside outages "
                + ConsoleFormat.F(s.SnapshotsPerSecondPerPlayerExcludingOutages ?? s.SnapshotsPerSecondPerPlayer, "0.00");
            yield return $"rooms restored: {r.RoomsRestored}, game time lost max {ConsoleFormat.Ms(r.GameTimeLostMs.Max)} p50 {ConsoleFormat.Ms(r.GameTimeLostMs.P50)}, "
                + $"{r.TicksReplayedMax} ticks replayed at most";
            yield return $"in a room at the end: {r.BotsInRoomAtEnd}/{s.PlayersJoined} players; {r.InputsDropped} inputs dropped while reconnecting, {r.InputsRolledBack} acked inputs rolled back by restores, {r.AcksNotTimed} acks not timed";
        }
        if (result.Edges is { Count: > 1 } edges)
        {
            foreach (var edge in edges)
            {
                yield return $"edge {edge.Url}: {edge.PlayersConnected} connected first, {edge.Drops} drops, {edge.ReconnectsIn} reconnects in, {edge.PlayersAtEnd} seated at the end";
            }
        }
        if (result.Recovery is { SnapshotsOutOfOrder: > 0 } late)
        {
            yield return $"late snapshots: {late.SnapshotsOutOfOrder} (a tick below or equal to the previous one, on time, the stream back at it next: late or repeated, not a restore)";
        }
        if (result.Soak is { } soak)
        {
            yield return $"soak: {soak.Leaves} players left and were replaced, {soak.Drops} dropped and resumed, {result.Summary.RoomsJoined} rooms used; "
                + $"growth over the window: rss {Growth(soak.RssMb)}, gc heap {Growth(soak.GcHeapMb)}, open handles {Growth(soak.OpenHandles)}, threads {Growth(soak.Threads)}";
            yield return "soak: rooms open after the players left: " + (soak.RoomsOpenAfterPlayersLeft is { } open ? ConsoleFormat.F(open, "0") : "unknown")
                + (soak.RoomsClosedAfterSeconds is { } after ? $" (all closed after {ConsoleFormat.F(after, "0.0")} s)" : "")
                + (soak.OtherActivations is { } other ? $"; other grain activations {ConsoleFormat.F(other.First ?? 0, "0")} at the window's start, {ConsoleFormat.F(other.Last ?? 0, "0")} at the end" : "");
        }
        yield return $"tool: pid {result.Tool.Pid}, cpu {ConsoleFormat.F(result.Tool.CpuPercentOfOneCore)}% of one core, rss {ConsoleFormat.F(result.Tool.RssMb)} MB"
            + (result.Server is { } server ? $"; server: pid {server.Pid}, cpu {ConsoleFormat.F(server.CpuPercentOfOneCore)}% of one core, rss {ConsoleFormat.F(server.RssMb)} MB, {ServerActivity(server)}" : "");
    }

    private static string Growth(GrowthFigure figure) => figure.Percent is { } p
        ? $"{(p >= 0 ? "+" : "")}{ConsoleFormat.F(p, "0.0")}% ({ConsoleFormat.F(figure.First ?? 0, "0.#")} → {ConsoleFormat.F(figure.Last ?? 0, "0.#")})"
        : "not measured";

    /// <summary>The server's context switches and GCs per second, next to its CPU: what moves first when a change adds blocking or allocation.</summary>
    internal static string ServerActivity(ServerUsage server)
    {
        var switches = server.ContextSwitchesPerSecond is { } total
            ? $"context switches {ConsoleFormat.F(total, "0")}/s ({ConsoleFormat.F(server.VoluntaryContextSwitchesPerSecond ?? 0, "0")} voluntary, "
                + $"{ConsoleFormat.F(server.NonvoluntaryContextSwitchesPerSecond ?? 0, "0")} nonvoluntary"
                + (server.ContextSwitchesPerSecondPerPlayer is { } perPlayer ? $"; {ConsoleFormat.F(perPlayer, "0.0")}/s per player)" : ")")
            : "context switches not measured";
        var gc = server.GcCollectionsPerSecond is { } g
            ? $"GC collections/s gen0 {ConsoleFormat.F(g.Gen0, "0.###")} gen1 {ConsoleFormat.F(g.Gen1, "0.###")} gen2 {ConsoleFormat.F(g.Gen2, "0.###")}"
            : "GC collections not measured (no /metrics)";
        return switches + ", " + gc;
    }
}
